// SLA clocks in business hours, on the time-skipping test server with the
// shipped policy: deadlines land on the right business minute across a
// weekend, a breach escalates, waiting on the customer pauses resolution, and
// a priority change keeps the time already used.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTicket, ticketWorkflowId, type TicketStarter } from '../../activities/open-ticket';
import { storeArticle } from '../../db/articles';
import { loadSlaPolicy } from '../../lib/sla-policy';
import { isOpen } from '../../workflows/sla/calendar';
import { calendarFor } from '../../workflows/sla/policy';
import type { ticketWorkflow } from '../../workflows/ticket';
import { actionUpdate, customerFollowUpSignal, slaQuery, ticketQuery } from '../../workflows/ticket-messages';
import type { Actor, Priority } from '../../workflows/ticket-types';

import { eventually } from '../support/stack';
import { startTimeSkippingDesk } from '../support/time-skipping';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const JST = 9 * HOUR;
const alice: Actor = { user: 'alice', role: 'agent', level: 'L1' };
const rita: Actor = { user: 'rita', role: 'reviewer', level: 'L2' };
const policy = loadSlaPolicy();
const business = calendarFor(policy, 'P3');

let env: TestWorkflowEnvironment;
let desk: Awaited<ReturnType<typeof startTimeSkippingDesk>>;
let database: { db: typeof desk.db };
const taskQueue = 'sla-clocks-test';

beforeAll(async () => {
  desk = await startTimeSkippingDesk(taskQueue);
  env = desk.env;
  database = { db: desk.db };
}, 300_000);

afterAll(async () => {
  await desk?.stop();
});

const starter = (): TicketStarter => ({
  db: database.db,
  temporal: env.client,
  taskQueue,
  settings: { reopenWindowMs: 14 * DAY, autoCloseAfterMs: 30 * DAY },
  slaPolicy: policy,
});

/** Skips the test server's clock forward to `targetMs`. */
async function skipTo(targetMs: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (targetMs < now) throw new Error(`cannot go back in time to ${new Date(targetMs).toISOString()}`);
  await env.sleep(targetMs - now);
}

/** Midnight JST of the day containing `ms`, as epoch ms. */
const jstMidnight = (ms: number) => Math.floor((ms + JST) / DAY) * DAY - JST;
const jstTime = (dayMs: number, hh: number, mm: number) => dayMs + hh * HOUR + mm * MINUTE;

/** The next Friday on which the desk is open at 17:00, followed by a Monday open at 09:30 (no holiday in between that matters). */
async function nextWorkingFriday(): Promise<{ friday: number; monday: number }> {
  let day = jstMidnight(await env.currentTimeMs()) + DAY;
  for (let i = 0; i < 120; i++, day += DAY) {
    const weekday = new Date(day + JST).getUTCDay();
    const monday = day + 3 * DAY;
    if (weekday === 5 && isOpen(business, jstTime(day, 17, 0)) && isOpen(business, jstTime(monday, 9, 30)) && isOpen(business, jstTime(monday, 11, 59))) {
      return { friday: day, monday };
    }
  }
  throw new Error('no working Friday within 120 days');
}

/** The test server's clock runs on in real time between skips: allow a few seconds. */
function expectNear(actualMs: number, expectedMs: number, toleranceMs = 5000): void {
  expect(Math.abs(actualMs - expectedMs)).toBeLessThanOrEqual(toleranceMs);
}

async function open(priority: Priority) {
  const ticket = await openTicket(starter(), { customer: { email: 'sla@example.jp' }, subject: 'SLA', body: '本文', priority, channel: 'phone' });
  return { number: ticket.number, handle: env.client.workflow.getHandle<typeof ticketWorkflow>(ticketWorkflowId(ticket.number)) };
}

async function clock(handle: Awaited<ReturnType<typeof open>>['handle'], name: string) {
  const report = await handle.query(slaQuery, { now: new Date(await env.currentTimeMs()).toISOString() });
  return { report, clock: report.clocks.find((c) => c.clock === name)! };
}

async function answer(number: string, handle: Awaited<ReturnType<typeof open>>['handle']) {
  const memoId = await storeArticle(database.db, { ticketNumber: number, kind: 'memo', direction: 'internal', channel: 'web', body: '回答' });
  await handle.executeUpdate(actionUpdate('draftMemo'), { args: [{ actor: alice, articleId: memoId }] });
  await handle.executeUpdate(actionUpdate('reviewMemo'), { args: [{ actor: rita, memoId, decision: 'approve' }] });
  await handle.executeUpdate(actionUpdate('sendAnswer'), { args: [{ actor: alice, memoId }] });
}

describe('SLA clocks in business hours', () => {
  it('a P3 ticket created on a Friday at 17:00 is not breached on Monday at 09:00; warns at 80% and breaches at the business minute', async () => {
    const { friday, monday } = await nextWorkingFriday();
    await skipTo(jstTime(friday, 17, 0));
    const { number, handle } = await open('P3');

    // Friday 17:00-17:30 used 30 minutes of the 3 h first-response budget.
    await skipTo(jstTime(monday, 9, 0));
    const onMonday = await clock(handle, 'firstResponse');
    expect(onMonday.report.status).toBe('on_track');
    expectNear(onMonday.clock.businessMsLeft, 2.5 * HOUR);
    expectNear(Date.parse(onMonday.clock.dueAt!), jstTime(monday, 12, 0));

    // 80% of 3 h = 2 h 24 m: 30 m on Friday + 1 h 54 m from 09:30 = Monday 11:24.
    await skipTo(jstTime(monday, 11, 23));
    expect((await handle.query(ticketQuery)).slaStatus).toBe('on_track');
    await skipTo(jstTime(monday, 11, 25));
    expect((await handle.query(ticketQuery)).slaStatus).toBe('warning');

    await skipTo(jstTime(monday, 12, 1));
    const breached = await handle.query(ticketQuery);
    expect(breached).toMatchObject({ slaStatus: 'breached', supportLevel: 'L2' });
    const events = await eventually(async () => {
      const rows = await database.db.selectFrom('sla_events').selectAll().where('ticket_number', '=', number).orderBy('id').execute();
      return rows.some((e) => e.kind === 'breach') ? rows : undefined;
    });
    const warning = events.find((e) => e.kind === 'warning')!;
    const breach = events.find((e) => e.kind === 'breach')!;
    expectNear(warning.deadline!.getTime(), jstTime(monday, 11, 24));
    expectNear(breach.deadline!.getTime(), jstTime(monday, 12, 0));
    expect([breach.clock, breach.level_from, breach.level_to]).toEqual(['firstResponse', 'L1', 'L2']);
  });

  it('a follow-up starts the update clock and an answer stops it; waiting on the customer pauses resolution', async () => {
    const { friday, monday } = await nextWorkingFriday();
    await skipTo(jstTime(monday + 7 * DAY, 10, 0));
    void friday;
    const { number, handle } = await open('P1');
    await handle.executeUpdate(actionUpdate('acknowledge'), { args: [{ actor: alice }] });
    await answer(number, handle);
    const paused = await clock(handle, 'resolution');
    expect(paused.report.status).toBe('paused');
    expect(paused.clock.state).toBe('paused');
    const leftWhenPaused = paused.clock.businessMsLeft;

    // Ten hours with the customer: the resolution clock does not move.
    await env.sleep(10 * HOUR);
    expectNear((await clock(handle, 'resolution')).clock.businessMsLeft, leftWhenPaused);

    const followUp = await storeArticle(database.db, { ticketNumber: number, kind: 'follow_up', direction: 'inbound', channel: 'email', body: 'まだです' });
    await handle.signal(customerFollowUpSignal, { articleId: followUp, channel: 'email' });
    await env.sleep(10 * MINUTE);
    const update = await clock(handle, 'update');
    expect(update.clock.state).toBe('running');
    expectNear(update.clock.businessMsLeft, HOUR - 10 * MINUTE);
    expectNear((await clock(handle, 'resolution')).clock.businessMsLeft, leftWhenPaused - 10 * MINUTE);

    await answer(number, handle);
    const afterAnswer = await clock(handle, 'update');
    expect(afterAnswer.clock.state).toBe('met');
    const met = await eventually(async () => {
      const rows = await database.db.selectFrom('sla_events').selectAll().where('ticket_number', '=', number).where('clock', '=', 'update').where('kind', '=', 'met').execute();
      return rows.length ? rows : undefined;
    });
    expect(met).toHaveLength(1);
    expect(Number(met[0].margin_ms)).toBeGreaterThan(0);
  });

  it('a priority change keeps the business time already used', async () => {
    const { monday } = await nextWorkingFriday();
    await skipTo(jstTime(monday + 14 * DAY, 10, 0));
    const start = await env.currentTimeMs();
    const { handle } = await open('P4');
    await env.sleep(HOUR);
    const changed = await handle.executeUpdate(actionUpdate('changePriority'), { args: [{ actor: { user: 'mona', role: 'manager' }, priority: 'P2' }] });
    expect(changed.priority).toBe('P2');
    // P2 gives 2 h for the first response; 1 h is used already: due one hour after the change, not two after creation.
    const first = await clock(handle, 'firstResponse');
    expectNear(Date.parse(first.clock.dueAt!), start + 2 * HOUR);
    expect(first.clock.budgetMs).toBe(2 * HOUR);
  });
});
