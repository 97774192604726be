// Triage on arrival on real servers: a mail matching a rule opens in the
// rule's queue with its priority and account, a phone ticket matching a
// channel rule likewise, each with `triage` lines on its history that a
// retried opening does not repeat. The rules are loaded by the loader the
// product's start uses (lib/run-process.ts), from the test fixture.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../db/accounts';
import { ticketEventsOf } from '../../db/ticket-events';
import { launchTicket, ticketWorkflowId, type TicketStarter } from '../../lib/open-ticket';
import { loadSlaPolicy } from '../../lib/sla-policy';
import { loadTriageRules } from '../../lib/triage/rules-file';
import type { TriageRule } from '../../lib/triage/rule';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { mailedTicket, startStackIntake, type StackIntake } from './mail-intake.support';

const run = randomBytes(4).toString('hex');
const DOMAIN = `triage-${run}.example`;
let stack: TestStack;
let intake: StackIntake;
let accountId: string;

// Filled once the stack's database has the account a rule names; the product
// reads the list it was given at each opening, so the rules apply from then on.
const triageRules: TriageRule[] = [];

beforeAll(async () => {
  stack = await startTestStack({}, loadSlaPolicy(), triageRules);
  // Its contract promises a first response within 10 minutes: the rule's account sets the new ticket's targets.
  accountId = (await createAccount(stack.db, { name: `Triage ${run}`, kind: 'direct', contract: { slaOverrides: { P1: { firstResponse: '10m' } } } })).id;
  // The fixture's rules, and one that gives this run's mail domain its account.
  const rules = JSON.parse(readFileSync('test/fixtures/triage/rules.json', 'utf8'));
  rules.rules.push({ name: '取引先', when: { fromDomain: [DOMAIN] }, set: { account: accountId, priority: 'P2' } });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'triage-')), 'rules.json');
  writeFileSync(file, JSON.stringify(rules));
  triageRules.push(...loadTriageRules(file, loadSlaPolicy()));
  intake = await startStackIntake(stack, { triageRules });
});

afterAll(async () => {
  await intake?.stop();
  await stack?.stop();
});

/** The fixture's outage mail (ISO-2022-JP, a .log attached), from this run's domain and with a Message-ID of its own. */
function outageMail(tag: string): Buffer {
  return Buffer.from(
    readFileSync('test/fixtures/triage/outage.eml', 'latin1')
      .replace('<yamada@example.jp>', `<yamada@${DOMAIN}>`)
      .replace('<triage-outage-fixture@example.jp>', `<triage-${tag}-${run}@example.jp>`),
    'latin1',
  );
}

async function triageLines(number: string) {
  return (await ticketEventsOf(stack.db, number)).filter((e) => e.kind === 'triage');
}

async function searchAttributesOf(number: string) {
  const described = await stack.temporal.workflow.getHandle(ticketWorkflowId(number)).describe();
  return described.searchAttributes as Record<string, unknown[]>;
}

describe('triage on arrival', () => {
  it('a mail matching a rule opens in its queue with its priority and account, the rules on its history', async () => {
    const number = await mailedTicket(stack, outageMail('outage'));

    const ticket = await stack.call('alice', 'GET', `/api/tickets/${number}`);
    expect(ticket.status).toBe(200);
    expect(ticket.body).toMatchObject({ priority: 'P1', queue: 'incident', status: 'open', channel: 'email', subject: '【障害】サーバが停止しています' });
    // P1 on the always-open calendar: the account's contract (10 minutes), not the policy's hour.
    const sla = await stack.call('alice', 'GET', `/api/tickets/${number}/sla`);
    const firstResponse = sla.body.clocks.find((c: { clock: string }) => c.clock === 'firstResponse');
    expect(Math.abs(Date.parse(firstResponse.dueAt) - Date.parse(ticket.body.createdAt) - 10 * 60_000)).toBeLessThan(60_000);
    // The Temporal UI's filters see it too.
    await eventually(async () => {
      const attributes = await searchAttributesOf(number);
      return attributes.Priority?.[0] === 'P1' && attributes.Queue?.[0] === 'incident';
    });

    const lines = await triageLines(number);
    expect(lines.map((l) => (l.detail as { line: string }).line)).toEqual([
      'rule 2 "障害": priority P3 → P1, queue → incident, tags + outage',
      'rule 3 "ログ添付": tags + has-logs',
      'rule 5 "その他": queue not set to maintenance-support (rule 2 set it)',
      `rule 6 "取引先": account → ${accountId}, priority not set to P2 (rule 2 set it)`,
    ]);
    expect(lines.every((l) => l.actor === 'triage')).toBe(true);
    expect(lines[0].detail).toMatchObject({ rule: 2, name: '障害', matched: ['subject or body has "障害"'], changes: [{ field: 'priority', from: 'P3', to: 'P1' }, { field: 'queue', from: null, to: 'incident' }, { field: 'tags', added: ['outage'] }] });

    const parties = await stack.call('alice', 'GET', `/api/tickets/${number}/parties`);
    expect(parties.body.account).toMatchObject({ id: accountId });
    expect((await ticketEventsOf(stack.db, number)).some((e) => e.kind === 'partiesChanged' && e.actor === 'triage')).toBe(true);
  });

  it('a retried opening does not repeat the triage lines', async () => {
    const number = await mailedTicket(stack, outageMail('retry'));
    const before = await ticketEventsOf(stack.db, number);
    const article = await stack.db.selectFrom('articles').select('id').where('ticket_number', '=', number).where('kind', '=', 'inquiry').executeTakeFirstOrThrow();
    const starter: TicketStarter = {
      db: stack.db,
      temporal: stack.temporal,
      taskQueue: stack.taskQueue,
      settings: { reopenWindowMs: stack.config.reopenWindowMs, autoCloseAfterMs: stack.config.autoCloseAfterMs },
      slaPolicy: loadSlaPolicy(),
      triageRules,
    };
    await launchTicket(starter, article.id, { number, subject: '【障害】サーバが停止しています', customer: { email: `yamada@${DOMAIN}` }, channel: 'email', priority: 'P3', createdAt: new Date().toISOString() });
    const after = await ticketEventsOf(stack.db, number);
    expect(after.filter((e) => e.kind === 'triage' || e.kind === 'partiesChanged')).toEqual(before.filter((e) => e.kind === 'triage' || e.kind === 'partiesChanged'));
    expect((await stack.call('alice', 'GET', `/api/tickets/${number}`)).body).toMatchObject({ priority: 'P1', queue: 'incident' });
  });

  it('a phone ticket matching a channel rule opens in its queue with its priority', async () => {
    const created = await stack.call('ivan', 'POST', '/api/tickets', { customer: { email: `suzuki-${run}@example.jp`, name: '鈴木' }, subject: '請求書の再発行', body: '先月分の請求書をお願いします。' });
    expect(created.status).toBe(201);
    const { number } = created.body;
    expect((await stack.call('alice', 'GET', `/api/tickets/${number}`)).body).toMatchObject({ priority: 'P2', queue: 'phone-desk', status: 'open', channel: 'phone' });
    expect((await triageLines(number)).map((l) => (l.detail as { line: string }).line)).toEqual([
      'rule 4 "電話": priority P3 → P2, queue → phone-desk',
      'rule 5 "その他": queue not set to maintenance-support (rule 4 set it)',
    ]);
  });

  it('stop ends the list; a ticket no rule matches but the catch-all keeps P3', async () => {
    const news = await stack.call('ivan', 'POST', '/api/tickets', { customer: { email: `info-${run}@news.example.com` }, subject: '障害情報のお知らせ', body: '月刊ニュース', channel: 'web' });
    expect((await stack.call('alice', 'GET', `/api/tickets/${news.body.number}`)).body).toMatchObject({ priority: 'P4', queue: 'low-touch' });
    expect((await triageLines(news.body.number)).map((l) => (l.detail as { line: string }).line)).toEqual(['rule 1 "ニュースレター": priority P3 → P4, queue → low-touch, stop']);

    const plain = await stack.call('ivan', 'POST', '/api/tickets', { customer: { email: `sato-${run}@example.jp` }, subject: '操作方法', body: '設定画面の場所を教えてください', channel: 'web' });
    expect((await stack.call('alice', 'GET', `/api/tickets/${plain.body.number}`)).body).toMatchObject({ priority: 'P3', queue: 'maintenance-support', status: 'open' });
  });
});
