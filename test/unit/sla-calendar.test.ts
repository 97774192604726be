import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessTimeBetween,
  isOpen,
  JP_HOLIDAY_YEARS,
  nextOpening,
  type BusinessCalendar,
} from '../../workflows/sla/calendar';
import { parsePolicy } from '../../workflows/sla/policy';
import { at, H, iso, MIN } from '../support/times';


function calendarsOf(json: unknown): Record<string, BusinessCalendar> {
  const parsed = parsePolicy(json);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.policy.calendars;
}

const shipped = JSON.parse(readFileSync(new URL('../../workflows/sla/default-policy.json', import.meta.url), 'utf8'));
/** The shipped calendar: Asia/Tokyo, Mon–Fri 09:30–17:30, Japanese holidays, year-end closure. */
const business = calendarsOf(shipped).business;

const weekdays = (ranges: string[][]) => ({ mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges });
function calendar(name: string, def: Record<string, unknown>): BusinessCalendar {
  return calendarsOf({ ...shipped, calendars: { ...shipped.calendars, [name]: def } })[name];
}
/** Tokyo with a lunch break. */
const lunch = calendar('lunch', { timezone: 'Asia/Tokyo', week: weekdays([['09:00', '12:00'], ['13:00', '18:00']]), holidays: 'jp' });
/** Berlin office hours: has both DST switches. */
const berlin = calendar('berlin', { timezone: 'Europe/Berlin', week: weekdays([['09:00', '17:00']]) });
/** A Sunday night shift in Berlin that spans the 02:00/03:00 switch itself. */
const berlinNight = calendar('night', { timezone: 'Europe/Berlin', week: { sun: [['00:00', '06:00']] } });
const always = calendarsOf(shipped).always;

describe('addBusinessTime on the shipped Tokyo business calendar', () => {
  it('stays within one day', () => {
    expect(iso(addBusinessTime(business, at('2026-06-01T10:00:00+09:00'), 2 * H))).toBe('2026-06-01T03:00:00.000Z');
  });

  it('carries over the night to the next morning', () => {
    // Mon 16:30 + 2h = 1h Monday + 1h from Tuesday 09:30.
    expect(iso(addBusinessTime(business, at('2026-06-01T16:30:00+09:00'), 2 * H))).toBe('2026-06-02T01:30:00.000Z');
  });

  it('is due at closing time when the budget ends exactly at closing', () => {
    expect(iso(addBusinessTime(business, at('2026-06-01T15:30:00+09:00'), 2 * H))).toBe('2026-06-01T08:30:00.000Z');
  });

  it('skips the weekend', () => {
    // Fri 16:00 + 3h = 1.5h Friday + 1.5h Monday → Mon 11:00 JST.
    expect(iso(addBusinessTime(business, at('2026-06-05T16:00:00+09:00'), 3 * H))).toBe('2026-06-08T02:00:00.000Z');
  });

  it('starts counting at the next opening when started outside business hours', () => {
    expect(iso(addBusinessTime(business, at('2026-06-06T12:00:00+09:00'), H))).toBe('2026-06-08T01:30:00.000Z'); // Saturday
    expect(iso(addBusinessTime(business, at('2026-06-02T07:00:00+09:00'), 30 * MIN))).toBe('2026-06-02T01:00:00.000Z'); // before opening
    expect(iso(addBusinessTime(business, at('2026-06-02T17:30:00+09:00'), 1))).toBe('2026-06-03T00:30:00.001Z'); // at closing
    expect(iso(addBusinessTime(business, at('2026-06-02T22:00:00+09:00'), 8 * H))).toBe('2026-06-03T08:30:00.000Z');
  });

  it('is exact to the millisecond', () => {
    expect(iso(addBusinessTime(business, at('2026-06-01T17:29:59.999+09:00'), 2))).toBe('2026-06-02T00:30:00.001Z');
    expect(iso(addBusinessTime(business, at('2026-06-01T10:00:00.123+09:00'), 1_234_567))).toBe('2026-06-01T01:20:34.690Z');
  });

  it('counts "24h" as three working days of 8 hours', () => {
    // Wed 14:00: 3.5h Wed + 8h Thu + 8h Fri + 4.5h Mon → Mon 14:00 JST.
    expect(iso(addBusinessTime(business, at('2026-06-03T14:00:00+09:00'), 24 * H))).toBe('2026-06-08T05:00:00.000Z');
  });

  it('skips Golden Week 2026 (Showa Day, then May 2–6 with the substitute holiday on the 6th)', () => {
    // Tue 4/28 15:00: 2.5h; 4/29 holiday; 8h 4/30; 8h 5/1; closed 5/2–5/6; 5.5h on Thu 5/7 → 15:00.
    expect(iso(addBusinessTime(business, at('2026-04-28T15:00:00+09:00'), 24 * H))).toBe('2026-05-07T06:00:00.000Z');
    // P4's 40h from Tuesday's opening ends exactly at Friday 5/8's closing.
    expect(iso(addBusinessTime(business, at('2026-04-28T09:30:00+09:00'), 40 * H))).toBe('2026-05-08T08:30:00.000Z');
  });

  it('skips Golden Week 2027 (Thu 4/29, Mon 5/3 – Wed 5/5)', () => {
    // Wed 4/28 17:00: 0.5h; 4/29 holiday; 8h Fri 4/30; weekend; 5/3–5/5 holidays; Thu 5/6 → 09:30 + 1.5h.
    expect(iso(addBusinessTime(business, at('2027-04-28T17:00:00+09:00'), 10 * H))).toBe('2027-05-06T02:00:00.000Z');
  });

  it('skips a substitute holiday (Mon 2027-03-22, for the Vernal Equinox on a Sunday)', () => {
    expect(iso(addBusinessTime(business, at('2027-03-19T17:00:00+09:00'), H))).toBe('2027-03-23T01:00:00.000Z');
  });

  it("skips 2026's Silver Week (Mon 9/21, the citizens' holiday on 9/22, Wed 9/23)", () => {
    expect(iso(addBusinessTime(business, at('2026-09-18T17:00:00+09:00'), H))).toBe('2026-09-24T01:00:00.000Z');
  });

  it("skips the company's year-end closure from closedDates, and New Year's Day", () => {
    // Mon 12/28 16:30: 1h; 12/29–31 closed; 1/1 holiday; 1/2–3 weekend; Mon 1/4 09:30 + 2h.
    expect(iso(addBusinessTime(business, at('2026-12-28T16:30:00+09:00'), 3 * H))).toBe('2027-01-04T02:30:00.000Z');
    const withoutClosure = { ...business, closedDates: [] };
    expect(iso(addBusinessTime(withoutClosure, at('2026-12-28T16:30:00+09:00'), 3 * H))).toBe('2026-12-29T02:30:00.000Z');
  });

  it('skips the lunch break', () => {
    expect(iso(addBusinessTime(lunch, at('2026-06-01T11:00:00+09:00'), 2 * H))).toBe('2026-06-01T05:00:00.000Z'); // 14:00 JST
    expect(iso(addBusinessTime(lunch, at('2026-06-01T12:30:00+09:00'), 30 * MIN))).toBe('2026-06-01T04:30:00.000Z'); // 13:30
    expect(iso(addBusinessTime(lunch, at('2026-06-01T10:00:00+09:00'), 2 * H))).toBe('2026-06-01T03:00:00.000Z'); // 12:00, not 13:00
  });

  it('is wall-clock time on an always-open calendar', () => {
    expect(iso(addBusinessTime(always, at('2026-05-03T23:00:00+09:00'), 5_000))).toBe('2026-05-03T14:00:05.000Z');
  });

  it('refuses a negative duration', () => {
    expect(() => addBusinessTime(business, at('2026-06-01T10:00:00+09:00'), -1)).toThrow(/non-negative/);
  });
});

describe('a calendar with daylight saving time (Europe/Berlin)', () => {
  it('keeps office hours in local time across the spring switch', () => {
    // Fri 3/27 16:00 CET + 2h → Mon 3/30 10:00 CEST (UTC+2).
    expect(iso(addBusinessTime(berlin, at('2026-03-27T16:00:00+01:00'), 2 * H))).toBe('2026-03-30T08:00:00.000Z');
    expect(businessTimeBetween(berlin, at('2026-03-27T12:00:00+01:00'), at('2026-03-30T12:00:00+02:00'))).toBe(8 * H);
  });

  it('keeps office hours in local time across the autumn switch', () => {
    // Fri 10/23 16:00 CEST + 2h → Mon 10/26 10:00 CET (UTC+1).
    expect(iso(addBusinessTime(berlin, at('2026-10-23T16:00:00+02:00'), 2 * H))).toBe('2026-10-26T09:00:00.000Z');
    expect(nextOpening(berlin, at('2026-10-24T12:00:00+02:00'))).toBe(at('2026-10-26T09:00:00+01:00'));
  });

  it('counts the real hours of a range that spans the switch (5 h in spring, 7 h in autumn)', () => {
    expect(businessTimeBetween(berlinNight, at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'))).toBe(5 * H);
    expect(businessTimeBetween(berlinNight, at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z'))).toBe(7 * H);
    // Sunday 3/29 opens 00:00 CET = 23:00Z on Saturday; 3 h of real time later it is 04:00 CEST.
    expect(iso(addBusinessTime(berlinNight, at('2026-03-28T12:00:00Z'), 3 * H))).toBe('2026-03-29T02:00:00.000Z');
    expect(isOpen(berlinNight, at('2026-10-25T01:30:00Z'))).toBe(true); // the repeated 02:30 hour
    expect(isOpen(berlinNight, at('2026-10-25T05:00:00Z'))).toBe(false); // 06:00 CET: closed
    expect(nextOpening(berlinNight, at('2026-03-29T04:00:00Z'))).toBe(at('2026-04-05T00:00:00+02:00'));
  });
});

describe('businessTimeBetween', () => {
  it('counts only open hours across a night and a weekend', () => {
    expect(businessTimeBetween(business, at('2026-06-05T17:00:00+09:00'), at('2026-06-08T09:00:00+09:00'))).toBe(30 * MIN);
    expect(businessTimeBetween(business, at('2026-06-01T16:00:00+09:00'), at('2026-06-02T10:15:30.5+09:00'))).toBe(
      90 * MIN + 45 * MIN + 30_500,
    );
  });

  it('is zero when the calendar is closed the whole time, and negative backwards', () => {
    expect(businessTimeBetween(business, at('2026-06-06T08:00:00+09:00'), at('2026-06-07T20:00:00+09:00'))).toBe(0);
    expect(businessTimeBetween(business, at('2026-06-02T10:00:00+09:00'), at('2026-06-01T16:00:00+09:00'))).toBe(-2 * H);
  });

  it('leaves out Golden Week', () => {
    // Tue 4/28 12:00 → Thu 5/7 12:00: 5.5h + 8h + 8h + 2.5h.
    expect(businessTimeBetween(business, at('2026-04-28T12:00:00+09:00'), at('2026-05-07T12:00:00+09:00'))).toBe(24 * H);
  });

  it('leaves out the lunch break', () => {
    expect(businessTimeBetween(lunch, at('2026-06-01T11:30:00+09:00'), at('2026-06-01T13:30:00+09:00'))).toBe(H);
  });

  it('is the inverse of addBusinessTime', () => {
    const start = at('2026-12-25T15:47:13.250+09:00');
    for (const duration of [1, 59 * MIN, 8 * H, 17 * H + 1234, 40 * H]) {
      const due = addBusinessTime(business, start, duration);
      expect(businessTimeBetween(business, start, due)).toBe(duration);
    }
  });
});

describe('isOpen and nextOpening', () => {
  it('opens at 09:30:00.000 sharp and is closed from 17:30:00.000', () => {
    expect(isOpen(business, at('2026-06-01T09:29:59.999+09:00'))).toBe(false);
    expect(isOpen(business, at('2026-06-01T09:30:00+09:00'))).toBe(true);
    expect(isOpen(business, at('2026-06-01T17:29:59.999+09:00'))).toBe(true);
    expect(isOpen(business, at('2026-06-01T17:30:00+09:00'))).toBe(false);
    expect(isOpen(business, at('2026-04-29T11:00:00+09:00'))).toBe(false); // Showa Day
    expect(isOpen(lunch, at('2026-06-01T12:15:00+09:00'))).toBe(false);
  });

  it('finds the next opening over weekends, holidays and the year-end closure', () => {
    const open = at('2026-06-01T11:00:00+09:00');
    expect(nextOpening(business, open)).toBe(open);
    expect(iso(nextOpening(business, at('2026-06-06T10:00:00+09:00')))).toBe('2026-06-08T00:30:00.000Z');
    expect(iso(nextOpening(business, at('2026-04-29T08:00:00+09:00')))).toBe('2026-04-30T00:30:00.000Z');
    expect(iso(nextOpening(business, at('2026-12-28T18:00:00+09:00')))).toBe('2027-01-04T00:30:00.000Z');
    expect(iso(nextOpening(lunch, at('2026-06-01T12:00:00+09:00')))).toBe('2026-06-01T04:00:00.000Z');
  });

  it('gives up on a calendar that never opens instead of looping', () => {
    const never: BusinessCalendar = { ...business, week: { ...business.week, mon: [], tue: [], wed: [], thu: [], fri: [] } };
    expect(() => addBusinessTime(never, at('2026-06-01T10:00:00+09:00'), H)).toThrow(/no opening within/);
    expect(() => nextOpening(never, at('2026-06-01T10:00:00+09:00'))).toThrow(/no opening within/);
  });

  it('knows Japanese holidays for the years the deadlines fall in', () => {
    expect(JP_HOLIDAY_YEARS.first).toBeLessThanOrEqual(2026);
    expect(JP_HOLIDAY_YEARS.last).toBeGreaterThanOrEqual(2030);
  });
});

describe('efficiency', () => {
  it('steps per interval, not per minute', () => {
    const started = performance.now();
    for (let i = 0; i < 100; i++) addBusinessTime(business, at('2026-04-28T09:30:00+09:00') + i * MIN, 40 * H);
    const year = businessTimeBetween(business, at('2026-01-01T00:00:00+09:00'), at('2027-01-01T00:00:00+09:00'));
    const elapsed = performance.now() - started;
    // 2026 has 241 working days: 261 weekdays − 17 holidays on weekdays − 3 closed days.
    expect(year).toBe(241 * 8 * H);
    expect(elapsed).toBeLessThan(1500);
  });
});

// ---------------------------------------------------------------- against a minute-by-minute oracle

/** Reads the local wall clock with Intl directly: an independent model of the same rules. */
const oracleFormats = new Map<string, Intl.DateTimeFormat>();
function oracleIsOpenMinute(tz: string, ms: number, ranges: Record<string, Array<[number, number]>>, closed: (date: string) => boolean) {
  if (!oracleFormats.has(tz)) {
    oracleFormats.set(
      tz,
      new Intl.DateTimeFormat('en-GB', {
        timeZone: tz,
        weekday: 'short',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
    );
  }
  const parts = Object.fromEntries(oracleFormats.get(tz)!.formatToParts(ms).map((p) => [p.type, p.value]));
  if (closed(`${parts.year}-${parts.month}-${parts.day}`)) return false;
  const minute = Number(parts.hour) * 60 + Number(parts.minute);
  return (ranges[parts.weekday.toLowerCase()] ?? []).some(([from, to]) => from <= minute && minute < to);
}

function oracleAdd(cal: BusinessCalendar, startMs: number, durationMs: number, closed: (date: string) => boolean): number {
  let t = startMs;
  let left = durationMs;
  while (left > 0) {
    if (oracleIsOpenMinute(cal.timezone, t, cal.week, closed)) left -= MIN;
    t += MIN;
  }
  return t;
}

function seeded(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

describe('agrees with a minute-by-minute oracle', () => {
  const jpClosed = (date: string) => business.closedDates.includes(date) || isJapaneseHoliday(date);
  const cases: Array<[string, BusinessCalendar, string, (d: string) => boolean]> = [
    ['Tokyo with lunch break over Golden Week', lunch, '2026-04-24T00:00:00+09:00', isJapaneseHoliday],
    ['Tokyo shipped calendar over the year-end', business, '2026-12-22T00:00:00+09:00', jpClosed],
    ['Berlin over the spring switch', berlin, '2026-03-25T00:00:00+01:00', () => false],
    ['Berlin night shift over the autumn switch', berlinNight, '2026-10-17T00:00:00+02:00', () => false],
  ];
  for (const [label, cal, from, closed] of cases) {
    it(label, () => {
      const random = seeded(label.length * 7919);
      for (let i = 0; i < 6; i++) {
        const start = at(from) + Math.floor(random() * 7 * 24 * 60) * MIN;
        const duration = (1 + Math.floor(random() * 16 * 60)) * MIN;
        expect(iso(addBusinessTime(cal, start, duration)), `${iso(start)} + ${duration / MIN} min`).toBe(
          iso(oracleAdd(cal, start, duration, closed)),
        );
      }
    });
  }
});

/** The holidays the tests rely on, typed in from the Cabinet Office list (2026–2027 only). */
function isJapaneseHoliday(date: string): boolean {
  return [
    '2026-01-01', '2026-01-12', '2026-02-11', '2026-02-23', '2026-03-20', '2026-04-29', '2026-05-03',
    '2026-05-04', '2026-05-05', '2026-05-06', '2026-07-20', '2026-08-11', '2026-09-21', '2026-09-22',
    '2026-09-23', '2026-10-12', '2026-11-03', '2026-11-23', '2027-01-01', '2027-01-11', '2027-02-11',
    '2027-02-23', '2027-03-21', '2027-03-22', '2027-04-29', '2027-05-03', '2027-05-04', '2027-05-05',
  ].includes(date);
}
