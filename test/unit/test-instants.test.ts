// The helpers time-based tests choose their instants with (test/support/times.ts): they follow
// the shipped business calendar over holidays and closed dates instead of counting weekdays.
import { describe, expect, it } from 'vitest';
import { loadSlaPolicy } from '../../lib/sla-policy';
import { calendarFor } from '../../workflows/sla/policy';
import { addDays, at, firstDay, H, iso, localDate, MIN, nextOpenStretch, openThroughout, wallTime, weekdayOf } from '../support/times';

const policy = loadSlaPolicy();
const business = calendarFor(policy, 'P3');
const always = calendarFor(policy, 'P1');
const tz = business.timezone;

describe('instants chosen from the calendar', () => {
  it('reads local dates and wall times in the calendar zone', () => {
    expect(localDate(tz, at('2027-01-10T15:00:00Z'))).toBe('2027-01-11');
    expect(iso(wallTime(tz, '2027-01-11', '10:00'))).toBe('2027-01-11T01:00:00.000Z');
    expect(iso(wallTime('Europe/Berlin', '2027-07-01', '10:00'))).toBe('2027-07-01T08:00:00.000Z');
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(weekdayOf('2027-01-11')).toBe(1);
  });

  it('passes over Coming of Age Day, the year-end closure and Golden Week', () => {
    const twoHours = (from: string) => iso(nextOpenStretch([business], at(from), '10:00', 2 * H));
    expect(twoHours('2027-01-10T12:00:00+09:00')).toBe('2027-01-12T01:00:00.000Z'); // not Monday 01-11
    expect(twoHours('2026-12-28T10:00:00+09:00')).toBe('2027-01-04T01:00:00.000Z'); // 12-28 10:00 itself is not after the start
    expect(twoHours('2027-04-28T12:00:00+09:00')).toBe('2027-04-30T01:00:00.000Z'); // not 04-29
    expect(twoHours('2027-04-30T12:00:00+09:00')).toBe('2027-05-06T01:00:00.000Z');
    // Always open: the next 10:00.
    expect(iso(nextOpenStretch([always], at('2027-01-10T12:00:00+09:00'), '10:00', 11 * H))).toBe('2027-01-11T01:00:00.000Z');
  });

  it('knows an open stretch from one that a closing breaks', () => {
    expect(openThroughout(business, wallTime(tz, '2027-01-08', '17:00'), wallTime(tz, '2027-01-08', '17:30'))).toBe(true);
    expect(openThroughout(business, wallTime(tz, '2027-01-08', '17:00'), wallTime(tz, '2027-01-08', '17:30') + MIN)).toBe(false);
    expect(() => firstDay(tz, at('2027-01-01T00:00:00Z'), 'thirteenth month', () => false, 10)).toThrow(/no thirteenth month within 10 days after 2027-01-01/);
  });
});
