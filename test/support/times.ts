// Time arithmetic for the SLA tests: explicit instants and durations in ms.
import { businessTimeBetween, type BusinessCalendar } from '../../workflows/sla/calendar';

export const MIN = 60_000;
export const H = 60 * MIN;

/** An ISO time as epoch ms; a typo in a test date fails loudly instead of becoming NaN. */
export const at = (text: string): number => {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`bad test date ${text}`);
  return ms;
};

export const iso = (ms: number): string => new Date(ms).toISOString();

// ---------------------------------------------------------------- instants chosen from a calendar
//
// Time-based tests pick their instants from the business calendar they test ("the next Friday
// the desk closes at 17:30 and opens again on Monday 09:30"), never by weekday arithmetic that a
// holiday or a closed date can break. Days are local days in the calendar's time zone.

export const DAY = 24 * H;

/** The local date (YYYY-MM-DD) in `timezone` at `ms`. */
export function localDate(timezone: string, ms: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(ms);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The instant a local date and wall time (`HH:MM`) happen in `timezone` (zones without a gap at that time). */
export function wallTime(timezone: string, date: string, hhmm: string): number {
  const asUtc = at(`${date}T${hhmm}:00Z`);
  let ms = asUtc;
  // Two rounds find the offset in force at that wall time.
  for (let i = 0; i < 2; i++) ms = asUtc - offsetOf(timezone, ms);
  return ms;
}

function offsetOf(timezone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(ms);
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const whole = Math.floor(ms / 1000) * 1000;
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - whole;
}

/** The date `days` after a local date (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  return new Date(at(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, of a local date. */
export function weekdayOf(date: string): number {
  return new Date(at(`${date}T00:00:00Z`)).getUTCDay();
}

/** True when the calendar is open for the whole of [fromMs, toMs). */
export function openThroughout(cal: BusinessCalendar, fromMs: number, toMs: number): boolean {
  return businessTimeBetween(cal, fromMs, toMs) === toMs - fromMs;
}

/**
 * The first local day, from the day containing `fromMs` on, that `fits`; throws naming `what`
 * when none does within `withinDays`.
 */
export function firstDay(timezone: string, fromMs: number, what: string, fits: (date: string) => boolean, withinDays = 400): string {
  const first = localDate(timezone, fromMs);
  for (let i = 0; i < withinDays; i++) {
    const date = addDays(first, i);
    if (fits(date)) return date;
  }
  throw new Error(`no ${what} within ${withinDays} days after ${first}`);
}

/**
 * The next instant after `fromMs` at local `hhmm` from which every calendar given is open for
 * `lengthMs` without a break.
 */
export function nextOpenStretch(calendars: BusinessCalendar[], fromMs: number, hhmm: string, lengthMs: number): number {
  const timezone = calendars[0].timezone;
  const date = firstDay(timezone, fromMs, `day open ${hhmm} + ${lengthMs / MIN} min on ${calendars.map((c) => c.name).join(', ')}`, (d) => {
    const start = wallTime(timezone, d, hhmm);
    return start > fromMs && calendars.every((cal) => openThroughout(cal, start, start + lengthMs));
  });
  return wallTime(timezone, date, hhmm);
}
