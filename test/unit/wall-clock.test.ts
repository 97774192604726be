import { describe, expect, it } from 'vitest';
import { checkTimeZone, offsetAt, startOfDayAt, wallClockAt } from '../../workflows/sla/wall-clock';

describe('a time zone wall clock', () => {
  it('reads Tokyo at 00:30 local as the next day, offset +9 h', () => {
    const ms = Date.parse('2026-12-01T15:30:00Z');
    expect(wallClockAt('Asia/Tokyo', ms)).toEqual({ year: 2026, month: 12, day: 2, hour: 0, minute: 30, second: 0 });
    expect(offsetAt('Asia/Tokyo', ms)).toBe(9 * 3_600_000);
    expect(new Date(startOfDayAt('Asia/Tokyo', ms)).toISOString()).toBe('2026-12-01T15:00:00.000Z');
  });

  it('follows a DST switch (Berlin, last Sunday of March)', () => {
    expect(offsetAt('Europe/Berlin', Date.parse('2027-03-28T00:30:00Z'))).toBe(3_600_000);
    expect(offsetAt('Europe/Berlin', Date.parse('2027-03-28T01:30:00Z'))).toBe(2 * 3_600_000);
    expect(new Date(startOfDayAt('Europe/Berlin', Date.parse('2027-03-28T12:00:00Z'))).toISOString()).toBe('2027-03-27T23:00:00.000Z');
  });

  it('shows midnight as hour 0, never 24', () => {
    expect(wallClockAt('UTC', Date.parse('2027-01-01T00:00:00Z')).hour).toBe(0);
  });

  it('refuses a zone Intl does not know', () => {
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(RangeError);
  });
});
