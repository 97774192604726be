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

  it('gives the exact offset minute by minute around switches, however often it is asked (the hourly cache changes no answer)', () => {
    const fromWallClock = (zone: string, ms: number) => {
      const w = wallClockAt(zone, ms);
      return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - ms;
    };
    // Berlin's spring and autumn hours; Lord Howe's half-hour switches, one at 15:30 UTC (inside an hour: a cache of whole hours alone would be wrong there); Kathmandu's +5:45.
    const around = [
      ['Europe/Berlin', '2027-03-28T00:00:00Z'],
      ['Europe/Berlin', '2027-10-31T00:00:00Z'],
      ['Australia/Lord_Howe', '2027-04-03T14:00:00Z'],
      ['Australia/Lord_Howe', '2027-10-02T14:00:00Z'],
      ['Asia/Kathmandu', '2027-01-01T00:00:00Z'],
    ] as const;
    for (const [zone, from] of around) {
      for (let pass = 0; pass < 2; pass++) {
        for (let minute = 0; minute < 4 * 60; minute += 1) {
          const ms = Date.parse(from) + minute * 60_000 + 17_000;
          expect(offsetAt(zone, ms), `${zone} ${new Date(ms).toISOString()}`).toBe(fromWallClock(zone, ms));
        }
      }
    }
  });

  it('shows midnight as hour 0, never 24', () => {
    expect(wallClockAt('UTC', Date.parse('2027-01-01T00:00:00Z')).hour).toBe(0);
  });

  it('refuses a zone Intl does not know', () => {
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(RangeError);
  });
});
