// No input makes an activity retry forever (worker/activity-failures.ts): a
// record that a real PostgreSQL refuses for good is noted on the ticket and the
// ticket goes on (its approved answer is still mailed); a mail whose examination
// PostgreSQL refuses still becomes a flagged ticket with its bytes kept; and a
// text a ticket cannot keep is refused by the workflow itself, even from a
// caller that reaches Temporal directly rather than through the API.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNREADABLE_MAIL_SUBJECT } from '../../activities/intake/unreadable-mail';
import { ticketWorkflowId } from '../../lib/open-ticket';
import { actionUpdate } from '../../workflows/ticket-messages';
import { eventually } from '../support/stack';
import { composeMail, startIntakeEnv, type IntakeEnv } from './mail-intake.support';

let env: IntakeEnv;

beforeAll(async () => {
  env = await startIntakeEnv();
}, 300_000);

afterAll(async () => {
  await env?.stop();
});

/** PostgreSQL refuses rows of `table` matching `condition` with a data exception (SQLSTATE 22023), as it refuses a NUL. */
async function refuseInPostgres(table: 'ticket_events' | 'articles', name: string, condition: string): Promise<void> {
  await sql
    .raw(
      `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
         IF ${condition} THEN RAISE EXCEPTION 'refused for the test' USING ERRCODE = '22023'; END IF;
         RETURN NEW;
       END $$;
       CREATE TRIGGER ${name} BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}();`,
    )
    .execute(env.stack.db);
}

async function openPhoneTicket(): Promise<string> {
  const created = await env.stack.call('ivan', 'POST', '/api/tickets', {
    customer: { email: 'yamada@example.jp', name: '山田太郎' },
    subject: '帳票が出力できません',
    body: '月次帳票の出力でエラーになります。',
    channel: 'phone',
  });
  expect(created.status).toBe(201);
  return created.body.number;
}

/** The ticket's activities that Temporal is still retrying, with their attempts. */
async function retrying(number: string) {
  const described = await env.stack.temporal.workflow.getHandle(ticketWorkflowId(number)).describe();
  return (described.raw.pendingActivities ?? []).filter((a) => (a.attempt ?? 0) > 1).map((a) => `${a.activityType?.name} attempt ${a.attempt}`);
}

describe('a record PostgreSQL refuses for good', () => {
  it('is noted on the ticket, and the ticket goes on: the approved answer is still mailed', async () => {
    const number = await openPhoneTicket();
    await refuseInPostgres('ticket_events', 'refuse_queue_line', `NEW.kind = 'assignQueue' AND NEW.ticket_number = '${number}'`);
    const path = `/api/tickets/${number}`;
    expect((await env.stack.call('alice', 'POST', `${path}/queue`, { queue: 'maintenance-support' })).status).toBe(200);
    expect((await env.stack.call('alice', 'POST', `${path}/acknowledge`, {})).status).toBe(200);
    const memo = await env.stack.call('alice', 'POST', `${path}/memos`, { body: '出力先のディスク容量をご確認ください。' });
    expect(memo.status).toBe(200);
    expect((await env.stack.call('rita', 'POST', `${path}/memos/${memo.body.memoId}/review`, { decision: 'approve' })).status).toBe(200);
    const answered = await env.stack.call('alice', 'POST', `${path}/answer`, { memoId: memo.body.memoId });
    expect(answered.status).toBe(200);

    const mailed = await eventually(
      () =>
        env.stack.db
          .selectFrom('outbound_mail')
          .innerJoin('articles', 'articles.id', 'outbound_mail.article_id')
          .select(['outbound_mail.state', 'articles.kind'])
          .where('articles.ticket_number', '=', number)
          .where('articles.kind', '=', 'answer')
          .where('outbound_mail.state', '=', 'sent')
          .executeTakeFirst(),
      30_000,
    );
    expect(mailed.state).toBe('sent');
    const noted = await env.stack.db.selectFrom('ticket_events').select(['kind', 'detail']).where('ticket_number', '=', number).where('kind', '=', 'record_failed').execute();
    expect(noted).toHaveLength(1);
    expect(noted[0]!.detail).toMatchObject({ what: 'effect event', reason: expect.stringContaining('recordTicketEvent: its input was refused: refused for the test') });
    // The other lines of the ticket's history were written.
    const kinds = (await env.stack.db.selectFrom('ticket_events').select('kind').where('ticket_number', '=', number).execute()).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['acknowledge', 'draftMemo', 'reviewMemo', 'sendAnswer']));
    expect(kinds).not.toContain('assignQueue');
    expect(await retrying(number)).toEqual([]);
  });
});

describe('a mail whose examination PostgreSQL refuses for good', () => {
  it('becomes a flagged ticket with its bytes kept, at once, instead of retrying without end', async () => {
    await refuseInPostgres('articles', 'refuse_jammed_mail', `NEW.body LIKE '%JAM-THE-INTAKE%'`);
    const raw = await composeMail({ from: 'Sato <sato@example.jp>', subject: '見積もりの件', text: 'JAM-THE-INTAKE 見積もりをお願いします。' });
    const started = Date.now();
    const response = await fetch(`${env.stack.apiUrl}/api/intake/mail`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.stack.tokens.ivan}`, 'content-type': 'message/rfc822' },
      body: new Uint8Array(raw),
    });
    const result = (await response.json()) as { outcome: string; number: string };
    expect(response.status, JSON.stringify(result)).toBeLessThan(300);
    expect(result.outcome).toBe('ticket');
    expect(Date.now() - started).toBeLessThan(20_000);

    const ticket = await env.stack.call('alice', 'GET', `/api/tickets/${result.number}`);
    expect(ticket.body.subject).toBe(UNREADABLE_MAIL_SUBJECT);
    const article = await env.stack.db
      .selectFrom('articles')
      .innerJoin('raw_messages', 'raw_messages.id', 'articles.raw_message_id')
      .select(['articles.body', 'articles.mail_problems', 'raw_messages.raw'])
      .where('articles.ticket_number', '=', result.number)
      .executeTakeFirstOrThrow();
    expect(article.mail_problems).toEqual([expect.stringContaining('refused for the test')]);
    expect(article.body).toMatch(/could not read this mail/);
    expect(Buffer.compare(article.raw, raw)).toBe(0);
  });
});

describe('a text a ticket cannot keep, sent to Temporal directly', () => {
  it('is refused by the workflow, naming the field, and the ticket is untouched', async () => {
    const number = await openPhoneTicket();
    const handle = env.stack.temporal.workflow.getHandle(ticketWorkflowId(number));
    const refused = await handle
      .executeUpdate(actionUpdate('escalate'), { args: [{ actor: { user: 'alice', role: 'agent', level: 'L1' }, level: 'L2', reason: 'x\u0000' }] })
      .then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((refused as WorkflowUpdateFailedError).cause?.message)).toMatch(/^cannot escalate: reason must not contain control characters: U\+0000/);
    const ticket = await env.stack.call('alice', 'GET', `/api/tickets/${number}`);
    expect(ticket.body).toMatchObject({ status: 'new', supportLevel: 'L1' });
    expect(await retrying(number)).toEqual([]);
  });
});
