// `npx helpdesk intake < message.eml`, as procmail or a .forward pipe runs it:
// the mail goes through the same intake, the answer is one JSON line, the same
// mail again gives the same answer, and a desk that cannot be reached exits 75
// so the mail server keeps the mail and tries again.
import { runHelpdeskCli, type CliRun } from '../support/cli';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../scripts/devstack/ports';
import { composeMail, startIntakeEnv, SUPPORT, type IntakeEnv } from './mail-intake.support';

let env: IntakeEnv;

beforeAll(async () => {
  env = await startIntakeEnv();
}, 300_000);

afterAll(async () => {
  await env?.stop();
});

function pipe(raw: Buffer, overrides: Record<string, string> = {}): Promise<CliRun> {
  const base = { DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: env.stack.taskQueue, SUPPORT_ADDRESS: SUPPORT };
  return runHelpdeskCli(['intake'], { ...base, ...overrides }, raw);
}

describe('npx helpdesk intake', () => {
  it('takes a mail from stdin into a ticket, and the same mail again into the same answer', async () => {
    const raw = await composeMail({ from: '佐藤 花子 <sato@example.jp>', subject: 'パイプから届いた問い合わせ', text: 'procmail 経由です。', messageId: `<pipe-${env.run}@example.jp>` });
    const first = await pipe(raw);
    expect(first.code).toBe(0);
    const answer = JSON.parse(first.stdout) as { outcome: string; number: string };
    expect(answer.outcome).toBe('ticket');
    const ticket = await env.stack.call('alice', 'GET', `/api/tickets/${answer.number}`);
    expect(ticket.body).toMatchObject({ subject: 'パイプから届いた問い合わせ', channel: 'email', customer: { email: 'sato@example.jp', name: '佐藤 花子' } });

    const again = await pipe(raw);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(answer);
    const rows = await env.stack.db.selectFrom('tickets').select('number').where('customer_email', '=', 'sato@example.jp').execute();
    expect(rows.map((r) => r.number)).toContain(answer.number);
    expect(rows.filter((r) => r.number === answer.number)).toHaveLength(1);
  });

  it('exits 75 (temporary failure) when Temporal cannot be reached, so the MTA retries', async () => {
    const raw = await composeMail({ from: 'x@example.jp', subject: '届かない', text: '本文', messageId: `<pipe-down-${env.run}@example.jp>` });
    const down = await pipe(raw, { TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    expect(down.code).toBe(75);
    expect(down.stderr).toMatch(/Temporal/);
  });
});
