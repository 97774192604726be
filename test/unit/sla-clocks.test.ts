import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applySlaEvent,
  fireDueAlarms,
  markAlarmFired,
  nextSlaAlarm,
  overallSlaStatus,
  slaView,
  startClocks,
  type SlaClocks,
  type SlaEvent,
} from '../../workflows/sla/clocks';
import { parsePolicy, type SlaPolicy } from '../../workflows/sla/policy';
import { at, H, iso, MIN } from '../support/times';


function policyFrom(doc: unknown): SlaPolicy {
  const result = parsePolicy(doc);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.policy;
}
const shippedDoc = () => JSON.parse(readFileSync(new URL('../../workflows/sla/default-policy.json', import.meta.url), 'utf8'));
const policy = policyFrom(shippedDoc());

/** Applies events in order, checking none of them mutates its input. */
function run(clocks: SlaClocks, events: Array<[string, SlaEvent]>): SlaClocks {
  for (const [when, event] of events) {
    const before = JSON.stringify(clocks);
    clocks = applySlaEvent(deepFreeze(clocks), event, at(when)).clocks;
    expect(JSON.stringify(deepFreeze(JSON.parse(before)))).toBe(before);
  }
  return clocks;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const ack: SlaEvent = { kind: 'responded', via: 'receiptNotice' };
const answer: SlaEvent = { kind: 'responded', via: 'answer' };
const call: SlaEvent = { kind: 'responded', via: 'outboundCall' };

describe('first response', () => {
  it('a P3 ticket created on Friday 17:00 JST is not breached on Monday at 09:00', () => {
    const clocks = startClocks(policy, 'P3', at('2026-06-05T17:00:00+09:00'));
    const monday = slaView(clocks, at('2026-06-08T09:00:00+09:00'));
    expect(monday.firstResponse).toEqual({
      state: 'running',
      dueAt: '2026-06-08T03:00:00.000Z', // Friday's last 30 min + Monday 09:30–12:00 = 3 h
      warnAt: '2026-06-08T02:24:00.000Z', // 2 h 24 min: 11:24 JST
      businessMsLeft: 2.5 * H,
      budgetMs: 3 * H,
      warned: false,
      breached: false,
    });
    expect(overallSlaStatus(clocks, at('2026-06-08T09:00:00+09:00'))).toBe('on_track');
    expect(nextSlaAlarm(clocks)).toEqual({ atMs: at('2026-06-08T11:24:00+09:00'), clock: 'firstResponse', kind: 'warning' });
  });

  it('warns at 80% of the budget, in the right business minute across the night', () => {
    // P2: 2 h. Mon 16:00 → 90 min on Monday; 80% = 96 min, so Tuesday 09:36; due Tuesday 10:00.
    let clocks = startClocks(policy, 'P2', at('2026-06-01T16:00:00+09:00'));
    expect(nextSlaAlarm(clocks)).toEqual({ atMs: at('2026-06-02T00:36:00Z'), clock: 'firstResponse', kind: 'warning' });
    expect(slaView(clocks, at('2026-06-02T09:35:59.999+09:00')).firstResponse.warned).toBe(false);
    expect(overallSlaStatus(clocks, at('2026-06-02T09:35:59.999+09:00'))).toBe('on_track');
    expect(slaView(clocks, at('2026-06-02T09:36:00+09:00')).firstResponse.warned).toBe(true);
    expect(overallSlaStatus(clocks, at('2026-06-02T09:36:00+09:00'))).toBe('warning');

    const woke = fireDueAlarms(clocks, at('2026-06-02T09:36:00+09:00'));
    expect(woke.alarms).toEqual([{ atMs: at('2026-06-02T09:36:00+09:00'), clock: 'firstResponse', kind: 'warning' }]);
    clocks = woke.clocks;
    expect(nextSlaAlarm(clocks)).toEqual({ atMs: at('2026-06-02T10:00:00+09:00'), clock: 'firstResponse', kind: 'breach' });
    expect(fireDueAlarms(clocks, at('2026-06-02T09:59:59.999+09:00')).alarms).toEqual([]);
  });

  it('is met by the receipt notice, with the business time to spare', () => {
    const created = startClocks(policy, 'P2', at('2026-06-01T16:00:00+09:00'));
    const step = applySlaEvent(created, ack, at('2026-06-02T09:45:00+09:00'));
    expect(step.stopped).toEqual([
      { clock: 'firstResponse', met: true, marginMs: 15 * MIN, stoppedAtMs: at('2026-06-02T09:45:00+09:00'), budgetMs: 2 * H },
    ]);
    expect(step.alarms).toEqual([{ atMs: at('2026-06-02T09:36:00+09:00'), clock: 'firstResponse', kind: 'warning' }]);
    expect(slaView(step.clocks, at('2026-06-03T12:00:00+09:00')).firstResponse).toMatchObject({
      state: 'met',
      businessMsLeft: 15 * MIN,
      outcome: { met: true, marginMs: 15 * MIN, stoppedAt: '2026-06-02T00:45:00.000Z' },
    });
  });

  it('is not met by an outbound phone call (only a receipt notice or an answer counts)', () => {
    const clocks = run(startClocks(policy, 'P2', at('2026-06-01T10:00:00+09:00')), [['2026-06-01T10:30:00+09:00', call]]);
    expect(clocks.firstResponse.phase).toBe('running');
    const step = applySlaEvent(clocks, answer, at('2026-06-01T11:00:00+09:00'));
    expect(step.stopped.map((s) => [s.clock, s.met, s.marginMs])).toEqual([['firstResponse', true, H]]);
  });

  it('is breached when the answer comes after the deadline, even if that was at night', () => {
    const created = startClocks(policy, 'P2', at('2026-06-01T15:30:00+09:00')); // due Mon 17:30
    // A reply at 18:00 uses no more business time, but it is past the due instant.
    const step = applySlaEvent(created, answer, at('2026-06-01T18:00:00+09:00'));
    expect(step.alarms.map((a) => a.kind)).toEqual(['warning', 'breach']);
    expect(step.stopped).toEqual([
      { clock: 'firstResponse', met: false, marginMs: 0, stoppedAtMs: at('2026-06-01T18:00:00+09:00'), budgetMs: 2 * H },
    ]);
    expect(overallSlaStatus(step.clocks, at('2026-06-01T18:00:00+09:00'))).toBe('breached');
  });

  it('counts a reply in the very millisecond of the deadline as on time, one millisecond later as late (P1, "5s" style)', () => {
    const doc = shippedDoc();
    doc.priorities.P1 = { calendar: 'always', firstResponse: '5s', update: '5s', resolution: '30s' };
    const shortPolicy = policyFrom(doc);
    const t0 = at('2026-05-03T23:59:58+09:00'); // a Sunday holiday night: the always calendar doesn't care
    const clocks = startClocks(shortPolicy, 'P1', t0);
    expect(nextSlaAlarm(clocks)).toEqual({ atMs: t0 + 4_000, clock: 'firstResponse', kind: 'warning' });

    const onTime = applySlaEvent(clocks, ack, t0 + 5_000);
    expect(onTime.stopped[0]).toMatchObject({ met: true, marginMs: 0 });
    expect(onTime.alarms).toEqual([{ atMs: t0 + 4_000, clock: 'firstResponse', kind: 'warning' }]);

    const late = applySlaEvent(clocks, ack, t0 + 5_001);
    expect(late.stopped[0]).toMatchObject({ met: false, marginMs: -1 });
    expect(late.alarms).toEqual([
      { atMs: t0 + 4_000, clock: 'firstResponse', kind: 'warning' },
      { atMs: t0 + 5_000, clock: 'firstResponse', kind: 'breach' },
    ]);
    expect(late.clocks.firstResponse.breachCount).toBe(1);
    expect(nextSlaAlarm(late.clocks)).toEqual({ atMs: t0 + 24_000, clock: 'resolution', kind: 'warning' });
  });
});

describe('update', () => {
  const created = at('2026-06-01T10:00:00+09:00');
  const acknowledged = () => run(startClocks(policy, 'P2', created), [['2026-06-01T10:10:00+09:00', ack]]);

  it('runs from a customer follow-up until the next response, here an outbound call', () => {
    let clocks = acknowledged();
    expect(slaView(clocks, at('2026-06-01T11:00:00+09:00')).update.state).toBe('stopped');
    clocks = run(clocks, [['2026-06-01T16:30:00+09:00', { kind: 'followUp' }]]);
    // 2 h from Mon 16:30: 1 h Monday, 1 h Tuesday → 10:30 JST.
    expect(slaView(clocks, at('2026-06-01T17:00:00+09:00')).update).toMatchObject({
      state: 'running',
      dueAt: '2026-06-02T01:30:00.000Z',
      warnAt: '2026-06-02T01:06:00.000Z',
      businessMsLeft: 1.5 * H,
    });
    const step = applySlaEvent(clocks, call, at('2026-06-02T09:40:00+09:00'));
    expect(step.stopped).toEqual([
      { clock: 'update', met: true, marginMs: 50 * MIN, stoppedAtMs: at('2026-06-02T09:40:00+09:00'), budgetMs: 2 * H },
    ]);
  });

  it('keeps counting from the first unanswered follow-up when the customer writes again', () => {
    const clocks = run(acknowledged(), [
      ['2026-06-01T11:00:00+09:00', { kind: 'followUp' }],
      ['2026-06-01T12:00:00+09:00', { kind: 'followUp' }],
    ]);
    expect(iso(clocks.update.dueAtMs!)).toBe('2026-06-01T04:00:00.000Z'); // 13:00 JST
  });

  it('starts afresh on each follow-up; a breach stays on the ticket record', () => {
    let clocks = run(acknowledged(), [['2026-06-01T11:00:00+09:00', { kind: 'followUp' }]]);
    clocks = fireDueAlarms(clocks, at('2026-06-01T13:00:00+09:00')).clocks;
    expect(clocks.update.breachCount).toBe(1);
    clocks = run(clocks, [
      ['2026-06-01T14:00:00+09:00', answer],
      ['2026-06-02T10:00:00+09:00', { kind: 'followUp' }],
    ]);
    expect(slaView(clocks, at('2026-06-02T10:30:00+09:00')).update).toMatchObject({ state: 'running', warned: false, breached: false });
    expect(overallSlaStatus(clocks, at('2026-06-02T10:30:00+09:00'))).toBe('breached');
  });

  it('does not run while waiting on the customer, nor before the first response', () => {
    const waiting = run(acknowledged(), [
      ['2026-06-01T11:00:00+09:00', { kind: 'followUp' }],
      ['2026-06-01T11:30:00+09:00', { kind: 'waitingCustomer' }],
    ]);
    expect(waiting.update.phase).toBe('idle');
    expect(nextSlaAlarm(waiting)?.clock).not.toBe('update');

    const unanswered = run(startClocks(policy, 'P2', created), [['2026-06-01T10:30:00+09:00', { kind: 'followUp' }]]);
    expect(unanswered.update.phase).toBe('idle');
  });
});

describe('resolution', () => {
  it('pauses while waiting on the customer and resumes on the follow-up', () => {
    // P2: 8 h. 2 h used Monday before waiting; the follow-up on Wednesday 10:00 leaves 6 h → 16:00.
    let clocks = run(startClocks(policy, 'P2', at('2026-06-01T09:30:00+09:00')), [
      ['2026-06-01T09:40:00+09:00', ack],
      ['2026-06-01T11:30:00+09:00', answer],
      ['2026-06-01T11:30:00+09:00', { kind: 'waitingCustomer' }],
    ]);
    for (const now of ['2026-06-01T12:00:00+09:00', '2026-06-02T17:00:00+09:00']) {
      expect(slaView(clocks, at(now)).resolution).toEqual({
        state: 'paused',
        businessMsLeft: 6 * H,
        budgetMs: 8 * H,
        warned: false,
        breached: false,
      });
      expect(overallSlaStatus(clocks, at(now))).toBe('paused');
    }
    expect(nextSlaAlarm(clocks)).toBeNull();

    clocks = run(clocks, [['2026-06-03T10:00:00+09:00', { kind: 'followUp' }]]);
    expect(slaView(clocks, at('2026-06-03T10:00:00+09:00')).resolution).toMatchObject({
      state: 'running',
      dueAt: '2026-06-03T07:00:00.000Z',
      warnAt: '2026-06-03T05:24:00.000Z', // 6.4 h used at 14:24 JST
      businessMsLeft: 6 * H,
    });
    expect(overallSlaStatus(clocks, at('2026-06-03T10:00:00+09:00'))).toBe('on_track');
  });

  it('resumes when an agent takes the ticket out of waiting_customer without a follow-up', () => {
    const clocks = run(startClocks(policy, 'P2', at('2026-06-01T09:30:00+09:00')), [
      ['2026-06-01T09:40:00+09:00', ack],
      ['2026-06-01T13:30:00+09:00', { kind: 'waitingCustomer' }],
      ['2026-06-02T09:30:00+09:00', { kind: 'waitingCustomerEnded' }],
    ]);
    expect(iso(clocks.resolution.dueAtMs!)).toBe('2026-06-02T04:30:00.000Z'); // 4 h left → 13:30
    expect(clocks.update.phase).toBe('idle');
  });

  it('is met on close within budget, the margin in business time, and the ticket reads met', () => {
    const step = applySlaEvent(
      run(startClocks(policy, 'P3', at('2026-06-01T09:30:00+09:00')), [['2026-06-01T10:00:00+09:00', ack]]),
      { kind: 'closed' },
      at('2026-06-02T15:30:00+09:00'),
    );
    // 24 h budget, 8 h Monday + 6 h Tuesday used.
    expect(step.stopped).toEqual([
      { clock: 'resolution', met: true, marginMs: 10 * H, stoppedAtMs: at('2026-06-02T15:30:00+09:00'), budgetMs: 24 * H },
    ]);
    expect(overallSlaStatus(step.clocks, at('2026-06-10T00:00:00Z'))).toBe('met');
    expect(nextSlaAlarm(step.clocks)).toBeNull();
  });

  it('closing without any response leaves first response without a verdict', () => {
    const step = applySlaEvent(startClocks(policy, 'P3', at('2026-06-01T09:30:00+09:00')), { kind: 'closed' }, at('2026-06-01T10:00:00+09:00'));
    expect(step.stopped.map((s) => s.clock)).toEqual(['resolution']);
    expect(slaView(step.clocks, at('2026-06-01T10:00:00+09:00')).firstResponse.state).toBe('stopped');
  });

  it('a follow-up reopens a closed ticket: resolution goes on from what it had used', () => {
    const clocks = run(startClocks(policy, 'P2', at('2026-06-01T09:30:00+09:00')), [
      ['2026-06-01T09:40:00+09:00', ack],
      ['2026-06-01T15:30:00+09:00', { kind: 'closed' }],
      ['2026-06-03T09:30:00+09:00', { kind: 'followUp' }],
    ]);
    expect(clocks.closed).toBe(false);
    expect(iso(clocks.resolution.dueAtMs!)).toBe('2026-06-03T02:30:00.000Z'); // 2 h left → 11:30
    expect(iso(clocks.update.dueAtMs!)).toBe('2026-06-03T02:30:00.000Z');
  });
});

describe('a priority change', () => {
  it('re-plans from the business time used, still leaving paused time out', () => {
    // P4 (40 h): 4 h used Monday until waiting, paused overnight, 2 h more on Tuesday → 6 h used.
    let clocks = run(startClocks(policy, 'P4', at('2026-06-01T09:30:00+09:00')), [
      ['2026-06-01T10:00:00+09:00', ack],
      ['2026-06-01T13:30:00+09:00', { kind: 'waitingCustomer' }],
      ['2026-06-02T09:30:00+09:00', { kind: 'followUp' }],
      ['2026-06-02T11:30:00+09:00', { kind: 'priorityChanged', priority: 'P2' }],
    ]);
    // P2 gives 8 h: 2 h left from Tuesday 11:30 → 13:30 JST. (From creation it would be Monday 17:30.)
    expect(clocks.priority).toBe('P2');
    expect(slaView(clocks, at('2026-06-02T11:30:00+09:00')).resolution).toMatchObject({
      state: 'running',
      dueAt: '2026-06-02T04:30:00.000Z',
      businessMsLeft: 2 * H,
      budgetMs: 8 * H,
      warned: false,
    });
    // 80% of 8 h = 6.4 h: 24 min after the change.
    expect(iso(clocks.resolution.warnAtMs!)).toBe('2026-06-02T02:54:00.000Z');
    // The update clock started by the follow-up also moves to P2's 2 h: 2 h from 09:30 → 11:30, due now.
    expect(clocks.update.budgetMs).toBe(2 * H);
    expect(iso(clocks.update.dueAtMs!)).toBe('2026-06-02T02:30:00.000Z');

    // Raised to P1 (4 h, always open) at 12:00 with 6.5 h used: breached at once.
    const step = applySlaEvent(clocks, { kind: 'priorityChanged', priority: 'P1' }, at('2026-06-02T12:00:00+09:00'));
    clocks = step.clocks;
    expect(step.alarms).toEqual([
      { atMs: at('2026-06-02T11:30:00+09:00'), clock: 'update', kind: 'warning' },
      { atMs: at('2026-06-02T11:30:00+09:00'), clock: 'update', kind: 'breach' },
      { atMs: at('2026-06-02T11:54:00+09:00'), clock: 'resolution', kind: 'warning' },
    ]);
    const woke = fireDueAlarms(clocks, at('2026-06-02T12:00:00+09:00'));
    expect(woke.alarms).toEqual([{ atMs: at('2026-06-02T12:00:00+09:00'), clock: 'resolution', kind: 'breach' }]);
    expect(overallSlaStatus(woke.clocks, at('2026-06-02T12:00:00+09:00'))).toBe('breached');
    expect(slaView(woke.clocks, at('2026-06-02T12:00:00+09:00')).resolution.businessMsLeft).toBe(-2.5 * H);
  });

  it('counts the time spent at P1 as wall time and the time at P3 as business time', () => {
    // P3 created Friday 17:00 (30 business min left that day). P1 from 17:10 to 17:40 counts 30 min
    // on the always calendar, and the 10 min before on business hours: 40 min used of P3's 3 h.
    const clocks = run(startClocks(policy, 'P3', at('2026-06-05T17:00:00+09:00')), [
      ['2026-06-05T17:10:00+09:00', { kind: 'priorityChanged', priority: 'P1' }],
      ['2026-06-05T17:40:00+09:00', { kind: 'priorityChanged', priority: 'P3' }],
    ]);
    expect(clocks.firstResponse.consumedMs).toBe(40 * MIN);
    // 2 h 20 min left from Monday's opening → 11:50 JST.
    expect(iso(clocks.firstResponse.dueAtMs!)).toBe('2026-06-08T02:50:00.000Z');
  });

  it('raising a ticket to P1 over the weekend makes it due in wall-clock time', () => {
    const clocks = run(startClocks(policy, 'P3', at('2026-06-05T17:00:00+09:00')), [
      ['2026-06-06T10:00:00+09:00', { kind: 'priorityChanged', priority: 'P1' }],
    ]);
    // 30 min used on Friday; P1's 1 h leaves 30 min from Saturday 10:00.
    expect(slaView(clocks, at('2026-06-06T10:00:00+09:00')).firstResponse.dueAt).toBe('2026-06-06T01:30:00.000Z');
    expect(nextSlaAlarm(clocks)).toEqual({ atMs: at('2026-06-06T10:18:00+09:00'), clock: 'firstResponse', kind: 'warning' });
  });

  it('while paused changes the budget but not the pause; an exhausted budget breaches at once', () => {
    const paused = run(startClocks(policy, 'P3', at('2026-06-01T09:30:00+09:00')), [
      ['2026-06-01T09:40:00+09:00', ack],
      ['2026-06-01T15:30:00+09:00', { kind: 'waitingCustomer' }], // 6 h used
    ]);
    const toP2 = run(paused, [['2026-06-02T10:00:00+09:00', { kind: 'priorityChanged', priority: 'P2' }]]);
    expect(slaView(toP2, at('2026-06-03T10:00:00+09:00')).resolution).toMatchObject({ state: 'paused', businessMsLeft: 2 * H });
    expect(nextSlaAlarm(toP2)).toBeNull();

    const toP1 = run(paused, [['2026-06-02T10:00:00+09:00', { kind: 'priorityChanged', priority: 'P1' }]]);
    expect(slaView(toP1, at('2026-06-02T10:00:00+09:00')).resolution).toMatchObject({ state: 'paused', businessMsLeft: -2 * H });
    expect(fireDueAlarms(toP1, at('2026-06-02T10:00:00+09:00')).alarms).toEqual([
      { atMs: at('2026-06-02T10:00:00+09:00'), clock: 'resolution', kind: 'warning' },
      { atMs: at('2026-06-02T10:00:00+09:00'), clock: 'resolution', kind: 'breach' },
    ]);
  });

  it('lowered priority after a warning warns again at the new warning point', () => {
    let clocks = startClocks(policy, 'P2', at('2026-06-01T09:30:00+09:00'));
    clocks = fireDueAlarms(clocks, at('2026-06-01T11:06:00+09:00')).clocks; // 96 min: first-response warning
    expect(clocks.firstResponse.warned).toBe(true);
    clocks = run(clocks, [['2026-06-01T11:10:00+09:00', { kind: 'priorityChanged', priority: 'P3' }]]);
    expect(clocks.firstResponse.warned).toBe(false);
    expect(nextSlaAlarm(clocks)).toEqual({ atMs: at('2026-06-01T11:54:00+09:00'), clock: 'firstResponse', kind: 'warning' });
  });
});

describe('alarms and state', () => {
  it('marks one alarm at a time, a breach implying its warning', () => {
    const clocks = startClocks(policy, 'P1', at('2026-06-01T00:00:00Z'));
    const breach = { atMs: clocks.firstResponse.dueAtMs!, clock: 'firstResponse' as const, kind: 'breach' as const };
    const marked = markAlarmFired(clocks, breach);
    expect(marked.firstResponse).toMatchObject({ warned: true, breached: true, breachCount: 1 });
    expect(markAlarmFired(marked, breach).firstResponse.breachCount).toBe(1);
    expect(clocks.firstResponse).toMatchObject({ warned: false, breached: false, breachCount: 0 });
  });

  it('orders alarms across clocks by time', () => {
    // P1: first response warns at 48 min, breaches at 1 h; resolution warns at 3 h 12 min.
    const clocks = startClocks(policy, 'P1', at('2026-06-01T00:00:00Z'));
    expect(fireDueAlarms(clocks, at('2026-06-01T04:00:00Z')).alarms).toEqual([
      { atMs: at('2026-06-01T00:48:00Z'), clock: 'firstResponse', kind: 'warning' },
      { atMs: at('2026-06-01T01:00:00Z'), clock: 'firstResponse', kind: 'breach' },
      { atMs: at('2026-06-01T03:12:00Z'), clock: 'resolution', kind: 'warning' },
      { atMs: at('2026-06-01T04:00:00Z'), clock: 'resolution', kind: 'breach' },
    ]);
  });

  it('survives a JSON round trip (workflow state and history)', () => {
    const clocks = run(startClocks(policy, 'P2', at('2026-06-01T10:00:00+09:00')), [
      ['2026-06-01T10:10:00+09:00', ack],
      ['2026-06-01T11:00:00+09:00', { kind: 'followUp' }],
    ]);
    const restored = JSON.parse(JSON.stringify(clocks));
    expect(restored).toEqual(clocks);
    expect(nextSlaAlarm(restored)).toEqual(nextSlaAlarm(clocks));
  });
});
