import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applySlaEvent, startClocks, type SlaClocks } from '../../workflows/sla/clocks';
import { parsePolicy } from '../../workflows/sla/policy';
import { TicketSla } from '../../workflows/sla/ticket-sla';
import type { TicketState } from '../../workflows/ticket-types';
import {
  DEFAULT_DESK_TIME_ZONE,
  formatBusinessDuration,
  formatDateTime,
  formatRelative,
  isClockRunning,
  nearestClock,
  type SlaClockEntry,
} from '../../web/format';

const SEC = 1_000;
const MIN = 60 * SEC;
const H = 60 * MIN;
const DAY = 24 * H;

const at = (text: string): number => {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`bad test date ${text}`);
  return ms;
};

afterEach(() => {
  vi.useRealTimers();
});

describe('formatDateTime', () => {
  it('Tokyo: ja 2026/12/02 14:05, en 2 Dec 2026 14:05', () => {
    expect(formatDateTime('2026-12-02T05:05:00Z', 'ja', 'Asia/Tokyo')).toBe('2026/12/02 14:05');
    expect(formatDateTime('2026-12-02T05:05:00Z', 'en', 'Asia/Tokyo')).toBe('2 Dec 2026 14:05');
  });

  it('takes a Date or an ISO string with any offset: the instant is what counts', () => {
    const instant = new Date('2026-12-02T05:05:00Z');
    expect(formatDateTime(instant, 'ja', 'Asia/Tokyo')).toBe('2026/12/02 14:05');
    expect(formatDateTime('2026-12-02T14:05:00+09:00', 'ja', 'Asia/Tokyo')).toBe('2026/12/02 14:05');
    expect(formatDateTime('2026-12-02T06:05:00+01:00', 'en', 'Asia/Tokyo')).toBe('2 Dec 2026 14:05');
  });

  it('defaults to the desk time zone, Asia/Tokyo', () => {
    expect(DEFAULT_DESK_TIME_ZONE).toBe('Asia/Tokyo');
    expect(formatDateTime('2026-12-02T05:05:00Z', 'ja')).toBe('2026/12/02 14:05');
  });

  it('drops the seconds without rounding up', () => {
    expect(formatDateTime('2026-12-02T05:05:59.999Z', 'ja', 'Asia/Tokyo')).toBe('2026/12/02 14:05');
  });

  it('24-hour clock: midnight is 00:00, the afternoon 13:00–23:59, in both languages', () => {
    expect(formatDateTime('2026-12-01T15:00:00Z', 'ja', 'Asia/Tokyo')).toBe('2026/12/02 00:00');
    expect(formatDateTime('2026-12-01T15:00:00Z', 'en', 'Asia/Tokyo')).toBe('2 Dec 2026 00:00');
    expect(formatDateTime('2026-12-02T14:59:00Z', 'ja', 'Asia/Tokyo')).toBe('2026/12/02 23:59');
    expect(formatDateTime('2026-12-02T14:59:00Z', 'en', 'Asia/Tokyo')).toBe('2 Dec 2026 23:59');
  });

  it('the date is the desk’s: a UTC evening is already the next day (and year) in Tokyo', () => {
    expect(formatDateTime('2026-12-31T15:00:00Z', 'ja', 'Asia/Tokyo')).toBe('2027/01/01 00:00');
    expect(formatDateTime('2026-12-31T15:00:00Z', 'en', 'Asia/Tokyo')).toBe('1 Jan 2027 00:00');
    expect(formatDateTime('2026-12-31T15:00:00Z', 'en', 'UTC')).toBe('31 Dec 2026 15:00');
  });

  it('ja pads month and day, en does not pad the day; every English month is its three letters', () => {
    expect(formatDateTime('2026-03-04T00:00:00Z', 'ja', 'UTC')).toBe('2026/03/04 00:00');
    expect(formatDateTime('2026-03-04T00:00:00Z', 'en', 'UTC')).toBe('4 Mar 2026 00:00');
    const months = Array.from({ length: 12 }, (_, i) => formatDateTime(new Date(Date.UTC(2026, i, 15, 12)), 'en', 'UTC').split(' ')[1]);
    // Not "Sept": ICU's en-GB short month for September changed between versions.
    expect(months).toEqual(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);
  });

  it('Tokyo has no daylight saving: +9 h in winter and summer alike', () => {
    expect(formatDateTime('2027-01-15T03:00:00Z', 'ja', 'Asia/Tokyo')).toBe('2027/01/15 12:00');
    expect(formatDateTime('2027-07-15T03:00:00Z', 'ja', 'Asia/Tokyo')).toBe('2027/07/15 12:00');
    expect(formatDateTime('2027-03-28T00:59:00Z', 'ja', 'Asia/Tokyo')).toBe('2027/03/28 09:59');
    expect(formatDateTime('2027-03-28T01:00:00Z', 'ja', 'Asia/Tokyo')).toBe('2027/03/28 10:00');
  });

  it('Europe/Berlin springs forward on 2027-03-28 at 02:00 CET: 01:59 is followed by 03:00', () => {
    expect(formatDateTime('2027-03-28T00:59:00Z', 'ja', 'Europe/Berlin')).toBe('2027/03/28 01:59');
    expect(formatDateTime('2027-03-28T01:00:00Z', 'ja', 'Europe/Berlin')).toBe('2027/03/28 03:00');
    expect(formatDateTime('2027-03-28T00:59:00Z', 'en', 'Europe/Berlin')).toBe('28 Mar 2027 01:59');
    expect(formatDateTime('2027-03-28T01:00:00Z', 'en', 'Europe/Berlin')).toBe('28 Mar 2027 03:00');
    // The day before, Berlin is UTC+1; the day after, UTC+2.
    expect(formatDateTime('2027-03-27T12:00:00Z', 'en', 'Europe/Berlin')).toBe('27 Mar 2027 13:00');
    expect(formatDateTime('2027-03-29T12:00:00Z', 'en', 'Europe/Berlin')).toBe('29 Mar 2027 14:00');
  });

  it('Europe/Berlin falls back on 2027-10-31: 02:30 happens twice, an hour apart', () => {
    expect(formatDateTime('2027-10-31T00:30:00Z', 'ja', 'Europe/Berlin')).toBe('2027/10/31 02:30');
    expect(formatDateTime('2027-10-31T01:30:00Z', 'ja', 'Europe/Berlin')).toBe('2027/10/31 02:30');
    expect(formatDateTime('2027-10-31T02:30:00Z', 'en', 'Europe/Berlin')).toBe('31 Oct 2027 03:30');
  });

  it('refuses an unparsable time and an unknown time zone instead of printing NaN', () => {
    expect(() => formatDateTime('not a date', 'ja', 'Asia/Tokyo')).toThrow(RangeError);
    expect(() => formatDateTime(new Date(Number.NaN), 'en', 'Asia/Tokyo')).toThrow(RangeError);
    expect(() => formatDateTime('2026-12-02T05:05:00Z', 'ja', 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('formatBusinessDuration', () => {
  const both = (ms: number) => [formatBusinessDuration(ms, 'ja'), formatBusinessDuration(ms, 'en')];

  it('hours and minutes: 2時間15分 / 2h 15m', () => {
    expect(both(2 * H + 15 * MIN)).toEqual(['2時間15分', '2h 15m']);
  });

  it('never uses days: 27 h 5 min stays in hours', () => {
    expect(both(27 * H + 5 * MIN)).toEqual(['27時間5分', '27h 5m']);
    expect(both(100 * H)).toEqual(['100時間', '100h']);
  });

  it('leaves out a zero part', () => {
    expect(both(2 * H)).toEqual(['2時間', '2h']);
    expect(both(45 * MIN)).toEqual(['45分', '45m']);
    expect(both(1 * H + 1 * MIN)).toEqual(['1時間1分', '1h 1m']);
  });

  it('under a minute, zero included: 1分未満 / <1m', () => {
    expect(both(59 * SEC + 999)).toEqual(['1分未満', '<1m']);
    expect(both(0)).toEqual(['1分未満', '<1m']);
    expect(both(-0)).toEqual(['1分未満', '<1m']);
    expect(both(60 * SEC)).toEqual(['1分', '1m']);
  });

  it('truncates, so the time left is never shown as more than it is', () => {
    expect(both(2 * H + 15 * MIN + 59 * SEC)).toEqual(['2時間15分', '2h 15m']);
    expect(both(59 * MIN + 59 * SEC)).toEqual(['59分', '59m']);
  });

  it('negative is overdue: 45分超過 / 45m overdue', () => {
    expect(both(-45 * MIN)).toEqual(['45分超過', '45m overdue']);
    expect(both(-(1 * H + 5 * MIN))).toEqual(['1時間5分超過', '1h 5m overdue']);
    expect(both(-(27 * H + 5 * MIN))).toEqual(['27時間5分超過', '27h 5m overdue']);
    expect(both(-2 * H)).toEqual(['2時間超過', '2h overdue']);
  });

  it('a clock overdue by less than a minute still says overdue', () => {
    expect(both(-1)).toEqual(['1分未満超過', '<1m overdue']);
    expect(both(-59 * SEC)).toEqual(['1分未満超過', '<1m overdue']);
  });

  it('refuses NaN and infinities', () => {
    expect(() => formatBusinessDuration(Number.NaN, 'ja')).toThrow(RangeError);
    expect(() => formatBusinessDuration(Number.POSITIVE_INFINITY, 'en')).toThrow(RangeError);
  });
});

describe('formatRelative', () => {
  const now = new Date('2026-12-02T05:00:00Z');
  const offset = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const both = (ms: number) => [formatRelative(offset(ms), now, 'ja'), formatRelative(offset(ms), now, 'en')];

  it('minutes under an hour: 3分前 / 3 min ago, 3分後 / in 3 min', () => {
    expect(both(-3 * MIN)).toEqual(['3分前', '3 min ago']);
    expect(both(3 * MIN)).toEqual(['3分後', 'in 3 min']);
    expect(both(-(59 * MIN + 59 * SEC))).toEqual(['59分前', '59 min ago']);
  });

  it('hours under a day: 2時間後 / in 2 h', () => {
    expect(both(2 * H)).toEqual(['2時間後', 'in 2 h']);
    expect(both(-60 * MIN)).toEqual(['1時間前', '1 h ago']);
    expect(both(23 * H + 59 * MIN)).toEqual(['23時間後', 'in 23 h']);
  });

  it('days from 24 h on', () => {
    expect(both(-DAY)).toEqual(['1日前', '1 d ago']);
    expect(both(3 * DAY + 5 * H)).toEqual(['3日後', 'in 3 d']);
    expect(both(-400 * DAY)).toEqual(['400日前', '400 d ago']);
  });

  it('under a minute: たった今 / just now behind, まもなく / in <1 min ahead', () => {
    expect(both(0)).toEqual(['たった今', 'just now']);
    expect(both(-59 * SEC)).toEqual(['たった今', 'just now']);
    expect(both(59 * SEC)).toEqual(['まもなく', 'in <1 min']);
  });

  it('takes a Date too, and the same input always gives the same text whatever the clock says', () => {
    const when = new Date(now.getTime() - 3 * MIN);
    expect(formatRelative(when, now, 'en')).toBe('3 min ago');
    vi.useFakeTimers({ now: new Date('2099-01-01T00:00:00Z') });
    expect(formatRelative(when, now, 'en')).toBe('3 min ago');
    expect(formatDateTime(when, 'ja', 'Asia/Tokyo')).toBe('2026/12/02 13:57');
  });

  it('refuses an unparsable time', () => {
    expect(() => formatRelative('yesterday', now, 'ja')).toThrow(RangeError);
    expect(() => formatRelative(now, new Date(Number.NaN), 'ja')).toThrow(RangeError);
  });
});

describe('nearestClock, on real reports of the sla query', () => {
  const policyResult = parsePolicy(JSON.parse(readFileSync(new URL('../../workflows/sla/default-policy.json', import.meta.url), 'utf8')));
  if (!policyResult.ok) throw new Error(policyResult.errors.join('\n'));
  const policy = policyResult.policy;

  // report() reads only priority and status (the latter for tickets without clocks).
  const ticket = { priority: 'P2', status: 'in_progress' } as TicketState;
  const clocksOf = (clocks: SlaClocks | undefined, when: string) => new TicketSla(clocks).report(ticket, at(when)).clocks;
  const byName = (clocks: SlaClockEntry[], name: string) => clocks.find((c) => c.clock === name)!;

  // P2 on the business calendar (09:30–17:30 JST weekdays): first response 2 h, update 2 h, resolution 8 h.
  const created = startClocks(policy, 'P2', at('2026-06-01T10:00:00+09:00')); // a Monday

  it('a new ticket: first response is nearest', () => {
    const clocks = clocksOf(created, '2026-06-01T11:00:00+09:00');
    expect(nearestClock(clocks)).toMatchObject({ clock: 'firstResponse', state: 'running', businessMsLeft: 1 * H });
  });

  it('a running clock past its deadline (state breached, still counting) is the nearest of all', () => {
    const clocks = clocksOf(created, '2026-06-01T13:00:00+09:00');
    const firstResponse = byName(clocks, 'firstResponse');
    expect(firstResponse.state).toBe('breached');
    expect(firstResponse.businessMsLeft).toBeLessThan(0);
    expect(isClockRunning(firstResponse)).toBe(true);
    expect(nearestClock(clocks)).toBe(firstResponse);
  });

  it('a clock that stopped late is not running, however negative its time left', () => {
    const acknowledged = applySlaEvent(created, { kind: 'responded', via: 'receiptNotice' }, at('2026-06-01T13:00:00+09:00')).clocks;
    const clocks = clocksOf(acknowledged, '2026-06-01T14:00:00+09:00');
    const firstResponse = byName(clocks, 'firstResponse');
    expect(firstResponse).toMatchObject({ state: 'breached', outcome: { met: false } });
    expect(firstResponse.dueAt).toBeUndefined();
    expect(isClockRunning(firstResponse)).toBe(false);
    expect(nearestClock(clocks)).toMatchObject({ clock: 'resolution', state: 'running' });
  });

  it('a paused clock is not running: waiting on the customer, nothing is nearest', () => {
    const answered = applySlaEvent(created, { kind: 'responded', via: 'answer' }, at('2026-06-01T11:00:00+09:00')).clocks;
    const waiting = applySlaEvent(answered, { kind: 'waitingCustomer' }, at('2026-06-01T11:00:00+09:00')).clocks;
    const clocks = clocksOf(waiting, '2026-06-02T11:00:00+09:00');
    expect(byName(clocks, 'resolution').state).toBe('paused');
    expect(nearestClock(clocks)).toBeUndefined();
  });

  it('after a follow-up the update clock (2 h) is nearer than the resumed resolution clock', () => {
    const answered = applySlaEvent(created, { kind: 'responded', via: 'answer' }, at('2026-06-01T11:00:00+09:00')).clocks;
    const waiting = applySlaEvent(answered, { kind: 'waitingCustomer' }, at('2026-06-01T11:00:00+09:00')).clocks;
    const followedUp = applySlaEvent(waiting, { kind: 'followUp' }, at('2026-06-02T10:00:00+09:00')).clocks;
    const clocks = clocksOf(followedUp, '2026-06-02T10:30:00+09:00');
    expect(nearestClock(clocks)).toMatchObject({ clock: 'update', state: 'running', businessMsLeft: 1.5 * H });
  });

  it('a closed ticket, and a ticket from before the clocks, have no nearest clock', () => {
    const closed = applySlaEvent(created, { kind: 'closed' }, at('2026-06-01T11:00:00+09:00')).clocks;
    expect(nearestClock(clocksOf(closed, '2026-06-01T12:00:00+09:00'))).toBeUndefined();
    expect(nearestClock(clocksOf(undefined, '2026-06-01T12:00:00+09:00'))).toBeUndefined();
    expect(nearestClock([])).toBeUndefined();
  });
});

describe('nearestClock, ties and order', () => {
  const entry = (clock: string, businessMsLeft: number, dueAt?: string): SlaClockEntry => ({
    clock,
    state: dueAt ? (businessMsLeft < 0 ? 'breached' : 'running') : 'paused',
    ...(dueAt ? { dueAt } : {}),
    businessMsLeft,
    budgetMs: 8 * H,
    warned: false,
    breached: businessMsLeft < 0,
  });

  it('the smallest business time left wins, whatever the order of the report', () => {
    const a = entry('resolution', 3 * H, '2026-06-02T02:00:00.000Z');
    const b = entry('update', 1 * H, '2026-06-01T08:00:00.000Z');
    expect(nearestClock([a, b])).toBe(b);
    expect(nearestClock([b, a])).toBe(b);
  });

  it('equal time left: the earlier deadline wins; equal both: the first in the report', () => {
    const later = entry('resolution', 1 * H, '2026-06-02T01:30:00.000Z');
    const earlier = entry('update', 1 * H, '2026-06-02T01:00:00.000Z');
    expect(nearestClock([later, earlier])).toBe(earlier);
    const twin = entry('firstResponse', 1 * H, '2026-06-02T01:00:00.000Z');
    expect(nearestClock([earlier, twin])).toBe(earlier);
  });

  it('keeps the caller’s own element type', () => {
    const labelled = [{ ...entry('update', H, '2026-06-01T08:00:00.000Z'), label: '更新' }];
    const nearest: { label: string } | undefined = nearestClock(labelled);
    expect(nearest?.label).toBe('更新');
  });
});
