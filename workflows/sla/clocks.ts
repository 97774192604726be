// The three SLA clocks of a ticket as a pure state machine over ticket events.
//
//   firstResponse: from creation until the receipt notice or the first answer, whichever first.
//   update:        while the customer waits: from a follow-up until the desk's next response
//                  (receipt notice, answer or outbound call). Not while waiting on the customer,
//                  and not before the first response (that clock already covers the wait).
//   resolution:    from creation until close; paused in waiting_customer, resumed on the
//                  follow-up (or when the status leaves waiting_customer).
//
// Time is business time on the calendar of the ticket's current priority. Every clock keeps
// the business time consumed so far, so a priority change re-plans running deadlines from
// what is already used — never from creation, never counting paused time.
//
// The workflow keeps `SlaClocks` in its state, sleeps until `nextSlaAlarm`, and calls
// `fireDueAlarms` when it wakes. `applySlaEvent` first fires any alarm already past, so a
// breach is never lost when an event arrives before the timer. Pure (workflow sandbox):
// times come in as arguments and no input is ever mutated.

import type { Priority, SlaStatus } from '../ticket-types';
import { addBusinessTime, businessTimeBetween, type BusinessCalendar } from './calendar';
import { calendarFor, type SlaPolicy } from './policy';

const CLOCK_NAMES = ['firstResponse', 'update', 'resolution'] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];

/** idle: not started, or cancelled without a verdict (e.g. update when waiting on the customer). */
export type ClockPhase = 'idle' | 'running' | 'paused' | 'stopped';

export interface ClockOutcome {
  met: boolean;
  /** Business ms left in the budget when the clock stopped; negative when over it. */
  marginMs: number;
  stoppedAtMs: number;
}

export interface SlaClock {
  phase: ClockPhase;
  budgetMs: number;
  /** Business ms used in this cycle up to `runningSinceMs` (all of it when not running). */
  consumedMs: number;
  runningSinceMs: number | null;
  /** When the budget runs out; set while running, or while paused if already spent. */
  dueAtMs: number | null;
  /** When warnAt × budget is used up; same rules as dueAtMs. */
  warnAtMs: number | null;
  /** This cycle's warning / breach alarm has fired. */
  warned: boolean;
  breached: boolean;
  /** Breaches over the ticket's life (the update clock runs once per follow-up). */
  breachCount: number;
  /** Verdict of the last cycle that ended with a response (or, for resolution, a close). */
  outcome: ClockOutcome | null;
}

export interface SlaClocks {
  /** The policy the ticket was opened under: later policy edits don't move its deadlines. */
  policy: SlaPolicy;
  priority: Priority;
  closed: boolean;
  firstResponse: SlaClock;
  update: SlaClock;
  resolution: SlaClock;
}

export type SlaEvent =
  /** The desk reached the customer. Only a receipt notice or an answer is a first response. */
  | { kind: 'responded'; via: 'receiptNotice' | 'answer' | 'outboundCall' }
  /** The customer wrote or called in; on a closed ticket this reopens it. */
  | { kind: 'followUp' }
  | { kind: 'waitingCustomer' }
  /** The status left waiting_customer without a follow-up (an agent moved it on). */
  | { kind: 'waitingCustomerEnded' }
  | { kind: 'closed' }
  | { kind: 'priorityChanged'; priority: Priority };

export interface SlaAlarm {
  atMs: number;
  clock: ClockName;
  kind: 'warning' | 'breach';
}

export interface StoppedClock extends ClockOutcome {
  clock: ClockName;
  budgetMs: number;
}

export interface SlaStep {
  clocks: SlaClocks;
  /** Alarms that were already due before the event: notify as if their timer had fired. */
  alarms: SlaAlarm[];
  /** Clocks this event stopped with a verdict, for the ticket's record. */
  stopped: StoppedClock[];
}

// ---------------------------------------------------------------- starting and events

export function startClocks(policy: SlaPolicy, priority: Priority, createdAtMs: number): SlaClocks {
  const targets = policy.priorities[priority];
  const clocks: SlaClocks = {
    policy,
    priority,
    closed: false,
    firstResponse: idleClock(targets.firstResponseMs),
    update: idleClock(targets.updateMs),
    resolution: idleClock(targets.resolutionMs),
  };
  const ctx = contextOf(clocks);
  startCycle(ctx, clocks.firstResponse, createdAtMs);
  startCycle(ctx, clocks.resolution, createdAtMs);
  return clocks;
}

export function applySlaEvent(clocks: SlaClocks, event: SlaEvent, atMs: number): SlaStep {
  // Alarms due strictly before the event: a response in the deadline's very millisecond is on time.
  const { clocks: fired, alarms } = fireAlarmsWhile(clocks, (alarm) => alarm.atMs < atMs);
  const next = copyClocks(fired);
  const stopped: StoppedClock[] = [];
  const ctx = contextOf(next);
  const { firstResponse, update, resolution } = next;

  switch (event.kind) {
    case 'responded':
      if (event.via !== 'outboundCall' && firstResponse.phase === 'running') {
        stopped.push(stopWithVerdict(ctx, firstResponse, 'firstResponse', atMs));
      }
      if (update.phase === 'running') stopped.push(stopWithVerdict(ctx, update, 'update', atMs));
      break;
    case 'followUp':
      if (next.closed) {
        next.closed = false;
        resumeCycle(ctx, resolution, atMs);
      } else if (resolution.phase === 'paused') {
        resumeCycle(ctx, resolution, atMs);
      }
      if (update.phase !== 'running' && firstResponse.phase !== 'running') startCycle(ctx, update, atMs);
      break;
    case 'waitingCustomer':
      if (resolution.phase === 'running') pause(ctx, resolution, atMs);
      if (update.phase === 'running') cancel(ctx, update, atMs);
      break;
    case 'waitingCustomerEnded':
      if (resolution.phase === 'paused') resumeCycle(ctx, resolution, atMs);
      break;
    case 'closed':
      if (next.closed) break;
      next.closed = true;
      if (firstResponse.phase === 'running') cancel(ctx, firstResponse, atMs);
      if (update.phase === 'running') cancel(ctx, update, atMs);
      if (resolution.phase === 'running' || resolution.phase === 'paused') {
        stopped.push(stopWithVerdict(ctx, resolution, 'resolution', atMs));
      }
      break;
    case 'priorityChanged':
      changePriority(next, event.priority, atMs);
      break;
  }
  return { clocks: next, alarms, stopped };
}

// ---------------------------------------------------------------- alarms

/** The earliest warning or breach still to fire, or null when no clock can alarm. */
export function nextSlaAlarm(clocks: SlaClocks): SlaAlarm | null {
  let best: SlaAlarm | null = null;
  for (const name of CLOCK_NAMES) {
    const clock = clocks[name];
    if (clock.phase !== 'running' && clock.phase !== 'paused') continue;
    const candidates: SlaAlarm[] = [];
    if (!clock.warned && clock.warnAtMs !== null) candidates.push({ atMs: clock.warnAtMs, clock: name, kind: 'warning' });
    if (!clock.breached && clock.dueAtMs !== null) candidates.push({ atMs: clock.dueAtMs, clock: name, kind: 'breach' });
    // Strictly earlier wins, so on a tie the first clock, and its warning before its breach, comes first.
    for (const alarm of candidates) if (!best || alarm.atMs < best.atMs) best = alarm;
  }
  return best;
}

/** Records that an alarm was notified. A breach implies its warning. */
export function markAlarmFired(clocks: SlaClocks, alarm: SlaAlarm): SlaClocks {
  const next = copyClocks(clocks);
  const clock = next[alarm.clock];
  if (alarm.kind === 'warning') {
    clock.warned = true;
  } else if (!clock.breached) {
    clock.warned = true;
    clock.breached = true;
    clock.breachCount += 1;
  }
  return next;
}

/** Fires (marks) every alarm due at or before `nowMs`, earliest first. Call when a timer wakes the workflow. */
export function fireDueAlarms(clocks: SlaClocks, nowMs: number): { clocks: SlaClocks; alarms: SlaAlarm[] } {
  return fireAlarmsWhile(clocks, (alarm) => alarm.atMs <= nowMs);
}

function fireAlarmsWhile(clocks: SlaClocks, isDue: (alarm: SlaAlarm) => boolean): { clocks: SlaClocks; alarms: SlaAlarm[] } {
  const alarms: SlaAlarm[] = [];
  let current = clocks;
  // At most two alarms per clock: the loop is bounded.
  for (let alarm = nextSlaAlarm(current); alarm && isDue(alarm); alarm = nextSlaAlarm(current)) {
    alarms.push(alarm);
    current = markAlarmFired(current, alarm);
  }
  return { clocks: current, alarms };
}

// ---------------------------------------------------------------- views

export interface ClockView {
  state: 'running' | 'paused' | 'stopped' | 'met' | 'breached';
  dueAt?: string;
  warnAt?: string;
  /** Business ms left in the budget; negative when over it. */
  businessMsLeft: number;
  budgetMs: number;
  /** As of `nowMs`, whether or not the alarm has been notified yet. */
  warned: boolean;
  breached: boolean;
  outcome?: { met: boolean; marginMs: number; stoppedAt: string };
}

export type SlaView = Record<ClockName, ClockView>;

export function slaView(clocks: SlaClocks, nowMs: number): SlaView {
  const cal = calendarFor(clocks.policy, clocks.priority);
  const view = {} as SlaView;
  for (const name of CLOCK_NAMES) view[name] = clockView(clocks[name], cal, nowMs);
  return view;
}

function clockView(clock: SlaClock, cal: BusinessCalendar, nowMs: number): ClockView {
  const consumed = consumedAt(clock, cal, nowMs);
  const overdue = clock.breached || (clock.dueAtMs !== null && nowMs > clock.dueAtMs);
  const warned = clock.warned || overdue || (clock.warnAtMs !== null && nowMs >= clock.warnAtMs);
  const view: ClockView = {
    state: stateOf(clock, overdue),
    businessMsLeft: clock.budgetMs - consumed,
    budgetMs: clock.budgetMs,
    warned: clock.phase === 'running' || clock.phase === 'paused' ? warned : clock.warned,
    breached: clock.phase === 'running' || clock.phase === 'paused' ? overdue : clock.breached,
  };
  if (clock.phase === 'running') {
    if (clock.dueAtMs !== null) view.dueAt = new Date(clock.dueAtMs).toISOString();
    if (clock.warnAtMs !== null) view.warnAt = new Date(clock.warnAtMs).toISOString();
  }
  if (clock.outcome && clock.phase === 'stopped') {
    const { met, marginMs, stoppedAtMs } = clock.outcome;
    view.outcome = { met, marginMs, stoppedAt: new Date(stoppedAtMs).toISOString() };
  }
  return view;
}

function stateOf(clock: SlaClock, overdue: boolean): ClockView['state'] {
  switch (clock.phase) {
    case 'running':
      return overdue ? 'breached' : 'running';
    case 'paused':
      return 'paused';
    case 'stopped':
      if (clock.outcome) return clock.outcome.met ? 'met' : 'breached';
      return clock.breached ? 'breached' : 'stopped';
    case 'idle':
      return clock.breached ? 'breached' : 'stopped';
  }
}

/**
 * The ticket's SLA status at `nowMs`: breached (any clock ever breached) > met (closed) >
 * warning (a running clock past its warning point) > paused (waiting on the customer with no
 * clock running) > on_track.
 */
export function overallSlaStatus(clocks: SlaClocks, nowMs: number): SlaStatus {
  const view = slaView(clocks, nowMs);
  if (CLOCK_NAMES.some((name) => clocks[name].breachCount > 0 || view[name].breached)) return 'breached';
  if (clocks.closed) return 'met';
  const running = CLOCK_NAMES.filter((name) => clocks[name].phase === 'running');
  if (running.some((name) => view[name].warned)) return 'warning';
  if (running.length === 0 && clocks.resolution.phase === 'paused') return 'paused';
  return 'on_track';
}

// ---------------------------------------------------------------- one clock's transitions

interface Context {
  cal: BusinessCalendar;
  warnAt: number;
}

function contextOf(clocks: SlaClocks): Context {
  return { cal: calendarFor(clocks.policy, clocks.priority), warnAt: clocks.policy.warnAt };
}

function idleClock(budgetMs: number): SlaClock {
  return {
    phase: 'idle',
    budgetMs,
    consumedMs: 0,
    runningSinceMs: null,
    dueAtMs: null,
    warnAtMs: null,
    warned: false,
    breached: false,
    breachCount: 0,
    outcome: null,
  };
}

function startCycle(ctx: Context, clock: SlaClock, atMs: number): void {
  Object.assign(clock, { consumedMs: 0, warned: false, breached: false, outcome: null });
  resumeCycle(ctx, clock, atMs);
}

function resumeCycle(ctx: Context, clock: SlaClock, atMs: number): void {
  clock.phase = 'running';
  clock.runningSinceMs = atMs;
  clock.outcome = null;
  plan(ctx, clock, atMs);
}

function pause(ctx: Context, clock: SlaClock, atMs: number): void {
  settle(ctx.cal, clock, atMs);
  clock.phase = 'paused';
  clock.runningSinceMs = null;
  plan(ctx, clock, atMs);
}

/** Ends the cycle without a verdict: the clock no longer applies. A breach already notified stays. */
function cancel(ctx: Context, clock: SlaClock, atMs: number): void {
  settle(ctx.cal, clock, atMs);
  Object.assign(clock, { phase: 'idle', runningSinceMs: null, dueAtMs: null, warnAtMs: null });
}

function stopWithVerdict(ctx: Context, clock: SlaClock, name: ClockName, atMs: number): StoppedClock {
  settle(ctx.cal, clock, atMs);
  // Past the due instant is late even when no business time passed since (a reply at 18:00 to 17:30).
  const late = clock.breached || (clock.dueAtMs !== null && atMs > clock.dueAtMs);
  const outcome: ClockOutcome = { met: !late, marginMs: clock.budgetMs - clock.consumedMs, stoppedAtMs: atMs };
  Object.assign(clock, { phase: 'stopped', runningSinceMs: null, dueAtMs: null, warnAtMs: null, outcome });
  return { clock: name, budgetMs: clock.budgetMs, ...outcome };
}

/** Books the business time since the clock last started (on the calendar in force until now). */
function settle(cal: BusinessCalendar, clock: SlaClock, atMs: number): void {
  if (clock.phase !== 'running' || clock.runningSinceMs === null) return;
  const since = clock.runningSinceMs;
  clock.consumedMs += businessTimeBetween(cal, since, Math.max(atMs, since));
  clock.runningSinceMs = Math.max(atMs, since);
}

/**
 * Sets the warning and due instants from the budget left. Already spent means due now, so the
 * alarm fires at once; a paused clock has no instants until then.
 */
function plan(ctx: Context, clock: SlaClock, atMs: number): void {
  const warnBudget = Math.round(clock.budgetMs * ctx.warnAt);
  clock.dueAtMs = instantWhenUsed(ctx.cal, clock, clock.budgetMs, atMs);
  clock.warnAtMs = instantWhenUsed(ctx.cal, clock, warnBudget, atMs);
}

function instantWhenUsed(cal: BusinessCalendar, clock: SlaClock, usedMs: number, atMs: number): number | null {
  const left = usedMs - clock.consumedMs;
  if (left <= 0) return atMs;
  if (clock.phase !== 'running' || clock.runningSinceMs === null) return null;
  return addBusinessTime(cal, clock.runningSinceMs, left);
}

function consumedAt(clock: SlaClock, cal: BusinessCalendar, nowMs: number): number {
  if (clock.phase !== 'running' || clock.runningSinceMs === null) return clock.consumedMs;
  return clock.consumedMs + businessTimeBetween(cal, clock.runningSinceMs, Math.max(nowMs, clock.runningSinceMs));
}

// ---------------------------------------------------------------- priority changes

/**
 * Books every running clock on the old calendar, then re-plans all clocks with the new budgets
 * on the new priority's calendar. A warning not yet due under the new budget may fire again.
 */
function changePriority(clocks: SlaClocks, priority: Priority, atMs: number): void {
  const oldCal = calendarFor(clocks.policy, clocks.priority);
  for (const name of CLOCK_NAMES) settle(oldCal, clocks[name], atMs);
  clocks.priority = priority;
  const ctx = contextOf(clocks);
  const targets = clocks.policy.priorities[priority];
  const budgets: Record<ClockName, number> = {
    firstResponse: targets.firstResponseMs,
    update: targets.updateMs,
    resolution: targets.resolutionMs,
  };
  for (const name of CLOCK_NAMES) {
    const clock = clocks[name];
    clock.budgetMs = budgets[name];
    if (clock.phase !== 'running' && clock.phase !== 'paused') continue;
    if (!clock.breached && clock.consumedMs < Math.round(clock.budgetMs * ctx.warnAt)) clock.warned = false;
    plan(ctx, clock, atMs);
  }
}

function copyClocks(clocks: SlaClocks): SlaClocks {
  return {
    ...clocks,
    firstResponse: { ...clocks.firstResponse },
    update: { ...clocks.update },
    resolution: { ...clocks.resolution },
  };
}
