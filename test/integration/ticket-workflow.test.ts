// The ticket workflow's long waits, on the Java time-skipping test server:
// auto-close after 7 quiet days, reopening within 14 days of the close, the
// end of the workflow after that, and refused signals.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTicket, ticketWorkflowId, type TicketStarter } from '../../lib/open-ticket';
import { storeArticle } from '../../db/articles';
import { loadSlaPolicy } from '../../lib/sla-policy';
import type { ticketWorkflow } from '../../workflows/ticket';
import { actionUpdate, customerFollowUpSignal, ticketQuery } from '../../workflows/ticket-messages';
import type { Actor } from '../../workflows/ticket-types';
import { eventually } from '../support/stack';
import { startTimeSkippingDesk } from '../support/time-skipping';

const DAY = 24 * 60 * 60 * 1000;
const alice: Actor = { user: 'alice', role: 'agent', level: 'L1' };
const rita: Actor = { user: 'rita', role: 'reviewer', level: 'L2' };

let env: TestWorkflowEnvironment;
let desk: Awaited<ReturnType<typeof startTimeSkippingDesk>>;
let database: { db: typeof desk.db };
const taskQueue = 'ticket-workflow-test';

beforeAll(async () => {
  desk = await startTimeSkippingDesk(taskQueue);
  env = desk.env;
  database = { db: desk.db };
}, 300_000);

afterAll(async () => {
  await desk?.stop();
});

function starter(settings: Partial<TicketStarter['settings']> = {}): TicketStarter {
  return {
    db: database.db,
    temporal: env.client,
    taskQueue,
    settings: { reopenWindowMs: 14 * DAY, autoCloseAfterMs: 7 * DAY, ...settings },
    slaPolicy: loadSlaPolicy(),
  };
}

async function ticketWaitingForCustomer(settings: Partial<TicketStarter['settings']> = {}) {
  const ticket = await openTicket(starter(settings), {
    customer: { email: 'yamada@example.jp' },
    subject: '問い合わせ',
    body: '本文',
    priority: 'P3',
    channel: 'phone',
  });
  const handle = env.client.workflow.getHandle<typeof ticketWorkflow>(ticketWorkflowId(ticket.number));
  await handle.executeUpdate(actionUpdate('acknowledge'), { args: [{ actor: alice }] });
  const memoId = await storeArticle(database.db, { ticketNumber: ticket.number, kind: 'memo', direction: 'internal', channel: 'web', body: '回答' });
  await handle.executeUpdate(actionUpdate('draftMemo'), { args: [{ actor: alice, articleId: memoId }] });
  await handle.executeUpdate(actionUpdate('reviewMemo'), { args: [{ actor: rita, memoId, decision: 'approve' }] });
  const sent = await handle.executeUpdate(actionUpdate('sendAnswer'), { args: [{ actor: alice, memoId }] });
  expect(sent.status).toBe('waiting_customer');
  return { number: ticket.number, handle };
}

async function followUp(number: string, handle: { signal: Function }) {
  const articleId = await storeArticle(database.db, { ticketNumber: number, kind: 'follow_up', direction: 'inbound', channel: 'email', body: '返信' });
  await handle.signal(customerFollowUpSignal, { articleId, channel: 'email' });
}

describe('the ticket workflow over days', () => {
  it('closes a ticket with no reply for 7 days as no_response, and ends 14 days later', async () => {
    const { handle } = await ticketWaitingForCustomer();
    await env.sleep(7 * DAY - 60_000);
    expect((await handle.query(ticketQuery)).status).toBe('waiting_customer');
    await env.sleep(2 * 60_000);
    const closed = await handle.query(ticketQuery);
    expect(closed).toMatchObject({ status: 'closed', resolution: 'no_response' });
    // Nothing arrives within the reopen window: the workflow completes.
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ status: 'closed', resolution: 'no_response' });
  });

  it('a reply within 7 days keeps the ticket open; a follow-up within 14 days of the close reopens it', async () => {
    const { number, handle } = await ticketWaitingForCustomer();
    await env.sleep(6 * DAY);
    await followUp(number, handle);
    await env.sleep(2 * DAY);
    expect((await handle.query(ticketQuery)).status).toBe('in_progress');

    await handle.executeUpdate(actionUpdate('close'), { args: [{ actor: alice, resolution: '解決' }] });
    await env.sleep(13 * DAY);
    await followUp(number, handle);
    const reopened = await handle.query(ticketQuery);
    expect(reopened.status).toBe('in_progress');
    expect(reopened.counts.followUps).toBe(2);
    const reopenedLine = await eventually(async () => {
      const lines = await database.db.selectFrom('ticket_events').select(['kind', 'detail']).where('ticket_number', '=', number).execute();
      return lines.find((l) => l.kind === 'customerFollowUp' && (l.detail as { note?: string }).note === 'reopened');
    });
    expect(reopenedLine).toBeDefined();
  });

  it('does not act on agent actions sent as signals: a signal carries no identity the workflow can check', async () => {
    const { number, handle } = await ticketWaitingForCustomer();
    // Anyone who can reach Temporal could send this, naming any manager.
    await handle.signal('close', { actor: { user: 'ghost', role: 'manager' }, resolution: '勝手に閉じる' });
    await handle.signal(customerFollowUpSignal, { articleId: '0', channel: 'email' });
    const ticket = await handle.query(ticketQuery);
    expect(ticket.status).toBe('in_progress');
    expect(ticket.resolution).toBeUndefined();
    expect(ticket.counts.followUps).toBe(1);
    const lines = await database.db.selectFrom('ticket_events').select(['kind', 'actor']).where('ticket_number', '=', number).execute();
    expect(lines.filter((l) => l.kind === 'close' || l.actor === 'ghost')).toEqual([]);
  });
});
