// SLA clocks in business hours, on the time-skipping test server with the
// shipped policy: deadlines land on the right business minute across a
// weekend, a breach escalates, waiting on the customer pauses resolution, and
// a priority change keeps the time already used.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTicket, ticketWorkflowId, type TicketStarter } from '../../lib/open-ticket';
import { storeArticle } from '../../db/articles';
import { loadSlaPolicy } from '../../lib/sla-policy';
import { nextOpening } from '../../workflows/sla/calendar';
import { calendarFor } from '../../workflows/sla/policy';
import type { ticketWorkflow } from '../../workflows/ticket';
import { actionUpdate, customerFollowUpSignal, slaQuery, ticketQuery } from '../../workflows/ticket-messages';
import type { Actor, Priority } from '../../workflows/ticket-types';

import { eventually } from '../support/stack';
import { skipTo, startTimeSkippingDesk } from '../support/time-skipping';
import { addDays, firstDay, nextOpenStretch, openThroughout, wallTime, weekdayOf } from '../support/times';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
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

const tz = business.timezone;
/** The instant of local wall time `hhmm` on a local date, in the business calendar's zone. */
const wall = (date: string, hhmm: string) => wallTime(tz, date, hhmm);
/** Chosen instants are at least this far ahead of the server's clock, which runs on in real time. */
const AHEAD = MINUTE;

/**
 * From the business calendar: the next Friday on which the desk is open from 17:00 and closes at
 * 17:30, stays closed until it opens at 09:30 on the Monday after, and stays open on that Monday
 * until past 12:01. A holiday or closed date on either day, or in between, moves it a week on.
 */
async function nextWorkingFriday(): Promise<{ friday: string; monday: string }> {
  const from = (await env.currentTimeMs()) + AHEAD;
  const friday = firstDay(tz, from, 'working Friday 17:00-17:30 followed by a working Monday 09:30-12:01', (date) => {
    if (weekdayOf(date) !== 5 || wall(date, '17:00') < from) return false;
    const monday = addDays(date, 3);
    return (
      openThroughout(business, wall(date, '17:00'), wall(date, '17:30')) &&
      nextOpening(business, wall(date, '17:30')) === wall(monday, '09:30') &&
      openThroughout(business, wall(monday, '09:30'), wall(monday, '12:01'))
    );
  });
  return { friday, monday: addDays(friday, 3) };
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
    await skipTo(env, wall(friday, '17:00'));
    const { number, handle } = await open('P3');

    // Friday 17:00-17:30 used 30 minutes of the 3 h first-response budget.
    await skipTo(env, wall(monday, '09:00'));
    const onMonday = await clock(handle, 'firstResponse');
    expect(onMonday.report.status).toBe('on_track');
    expectNear(onMonday.clock.businessMsLeft, 2.5 * HOUR);
    expectNear(Date.parse(onMonday.clock.dueAt!), wall(monday, '12:00'));

    // 80% of 3 h = 2 h 24 m: 30 m on Friday + 1 h 54 m from 09:30 = Monday 11:24.
    await skipTo(env, wall(monday, '11:23'));
    expect((await handle.query(ticketQuery)).slaStatus).toBe('on_track');
    await skipTo(env, wall(monday, '11:25'));
    expect((await handle.query(ticketQuery)).slaStatus).toBe('warning');

    await skipTo(env, wall(monday, '12:01'));
    const breached = await handle.query(ticketQuery);
    expect(breached).toMatchObject({ slaStatus: 'breached', supportLevel: 'L2' });
    const events = await eventually(async () => {
      const rows = await database.db.selectFrom('sla_events').selectAll().where('ticket_number', '=', number).orderBy('id').execute();
      return rows.some((e) => e.kind === 'breach') ? rows : undefined;
    });
    const warning = events.find((e) => e.kind === 'warning')!;
    const breach = events.find((e) => e.kind === 'breach')!;
    expectNear(warning.deadline!.getTime(), wall(monday, '11:24'));
    expectNear(breach.deadline!.getTime(), wall(monday, '12:00'));
    expect([breach.clock, breach.level_from, breach.level_to]).toEqual(['firstResponse', 'L1', 'L2']);
  });

  it('a follow-up starts the update clock and an answer stops it; waiting on the customer pauses resolution', async () => {
    // P1 runs on its own calendar: from the next 10:00 on which it stays open for the 10 h 10 m this test spans, and more.
    await skipTo(env, nextOpenStretch([calendarFor(policy, 'P1')], (await env.currentTimeMs()) + AHEAD, '10:00', 11 * HOUR));
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
    // From the next 10:00 on which both calendars are open for the 2 h this test counts (and a few minutes more).
    await skipTo(env, nextOpenStretch([calendarFor(policy, 'P4'), calendarFor(policy, 'P2')], (await env.currentTimeMs()) + AHEAD, '10:00', 2 * HOUR + 5 * MINUTE));
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
