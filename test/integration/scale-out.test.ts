// The production shape, scaled out: two `npm run worker` processes (each with
// the mail intake polling the same IMAP mailbox) and two `npm run api`
// processes on the production-shaped Temporal cluster (`npm run cluster`'s),
// PostgreSQL and GreenMail. Phone tickets go through their whole life with
// every step sent to the two APIs in turn, mails arrive by SMTP while both
// pollers watch the mailbox, and P1 tickets nobody answers escalate on their
// deadlines after one worker has been stopped. Nothing may be lost or done twice.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER, ProductionDesk, type DeskUser } from '../../scripts/devstack/production-desk';
import { ensureTemporalServer } from '../../scripts/devstack/temporal-server-build';
import { eventually } from '../support/stack';
import { composeMail, deliver, mailboxClient, messageIdsIn } from './mail-intake.support';

const run = randomBytes(4).toString('hex');
const LIFECYCLES = 8;
const MAILS = 10;
const ESCALATIONS = 4;

let dir: string;
let desk: ProductionDesk;

beforeAll(() => ensureTemporalServer().then(() => undefined), 30 * 60_000);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-scale-out-'));
  desk = await new ProductionDesk(dir).start();
}, 300_000);

afterAll(async () => {
  await desk?.stop();
  await rm(dir, { recursive: true, force: true });
}, 120_000);

let turn = 0;
/** Each call goes to the next API in turn, as a load balancer would send it. */
async function call(user: DeskUser, method: string, route: string, body?: unknown) {
  const { url } = desk.apis[turn++ % desk.apis.length];
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${desk.tokens[user]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function phoneTicket(subject: string, priority: string): Promise<string> {
  const created = await call('ivan', 'POST', '/api/tickets', { customer: { email: CUSTOMER, name: '顧客' }, subject, body: `${subject}の件です。`, priority });
  expect(created.status).toBe(201);
  return created.body.number;
}

async function lifecycle(i: number): Promise<string> {
  const number = await phoneTicket(`ライフサイクル ${run} ${i}`, 'P3');
  const ticket = `/api/tickets/${number}`;
  expect((await call('alice', 'POST', `${ticket}/queue`, { queue: 'maintenance-support' })).body.status).toBe('open');
  expect((await call('alice', 'POST', `${ticket}/acknowledge`, {})).body.status).toBe('in_progress');
  const memo = await call('alice', 'POST', `${ticket}/memos`, { body: `回答 ${i}` });
  expect(memo.body.status).toBe('in_review');
  expect((await call('rita', 'POST', `${ticket}/memos/${memo.body.memoId}/review`, { decision: 'approve' })).body.status).toBe('approved');
  expect((await call('alice', 'POST', `${ticket}/answer`, { memoId: memo.body.memoId })).body.status).toBe('waiting_customer');
  expect((await call('alice', 'POST', `${ticket}/close`, { resolution: `解決 ${i}` })).body.status).toBe('closed');
  return number;
}

describe('two workers and two APIs on the production-shaped cluster', () => {
  it('carries every ticket through once, takes every mail in once, and escalates once each after a worker stops', async () => {
    // Phone tickets through their whole life, two at a time, every step on the other API.
    const numbers: string[] = [];
    for (let i = 0; i < LIFECYCLES; i += 2) numbers.push(...(await Promise.all([lifecycle(i), lifecycle(i + 1)])));

    // Mail while both workers' pollers watch the one mailbox.
    const messageIds = Array.from({ length: MAILS }, (_, i) => `<scale-${run}-${i}@example.net>`);
    for (const [i, messageId] of messageIds.entries()) {
      await deliver(desk.greenMail, await composeMail({ from: `sender${i}@example.net`, subject: `メール ${run} ${i}`, text: `本文 ${i}`, messageId }), `sender${i}@example.net`);
    }

    // P1 tickets nobody answers; then one worker stops, and the other must fire their deadlines.
    const late: string[] = [];
    for (let i = 0; i < ESCALATIONS; i++) late.push(await phoneTicket(`至急 ${run} ${i}`, 'P1'));
    await desk.workers[0].stop();

    // Every mail became one ticket, and left INBOX.
    const intake = await eventually(async () => {
      const rows = await desk.db.selectFrom('intake_messages').select(['message_id', 'outcome', 'ticket_number']).where('message_id', 'in', messageIds).execute();
      return rows.length === MAILS && rows.every((r) => r.outcome === 'ticket') ? rows : undefined;
    }, 60_000);
    expect(new Set(intake.map((r) => r.ticket_number)).size).toBe(MAILS);
    const mailTickets = await desk.db.selectFrom('articles').select(['ticket_number']).where('message_id', 'in', messageIds).execute();
    expect(mailTickets).toHaveLength(MAILS);

    // Each P1 ticket escalated to L2 once, from the one worker left.
    const escalated = await eventually(async () => {
      const rows = await desk.db.selectFrom('sla_events').select(['ticket_number', 'clock', 'kind']).where('ticket_number', 'in', late).execute();
      return rows.filter((r) => r.kind === 'breach').length >= ESCALATIONS ? rows : undefined;
    }, 60_000);
    for (const number of late) {
      const breaches = escalated.filter((r) => r.ticket_number === number && r.kind === 'breach');
      expect(breaches.map((r) => r.clock)).toEqual(['firstResponse']);
      expect((await call('alice', 'GET', `/api/tickets/${number}`)).body).toMatchObject({ supportLevel: 'L2', slaStatus: 'breached' });
    }

    // Each lifecycle ticket is closed, and its customer got its receipt notice and its answer exactly once.
    for (const number of numbers) expect((await call('alice', 'GET', `/api/tickets/${number}`)).body.status).toBe('closed');
    const sent = await desk.db.selectFrom('outbound_mail').select(['ticket_number', 'state', 'message_id']).where('ticket_number', 'in', numbers).execute();
    expect(sent).toHaveLength(2 * LIFECYCLES);
    expect(sent.every((m) => m.state === 'sent')).toBe(true);
    const customer = await mailboxClient(desk.greenMail, 'customer');
    try {
      const received = await eventually(async () => {
        const ids = await messageIdsIn(customer, 'INBOX');
        const ours = ids.filter((id) => sent.some((m) => m.message_id === id));
        return ours.length >= sent.length ? ids : undefined;
      }, 30_000);
      const ours = received.filter((id) => sent.some((m) => m.message_id === id));
      expect(ours.sort()).toEqual(sent.map((m) => m.message_id).sort());
    } finally {
      await customer.logout().catch(() => {});
    }
  }, 300_000);
});
