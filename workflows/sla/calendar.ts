// Business time on a support calendar: opening hours per weekday in a time zone, minus
// national holidays and the company's own closed dates.
//
// Pure and deterministic (bundled into the workflow sandbox): every instant comes in as epoch ms,
// time zones go through Intl only, and loops step per open interval, never per minute.
//
// A day's opening hours are wall-clock times on that local day. On a DST day an interval that
// crosses the switch is as long as the real time that passes (00:00–06:00 is 5 h in spring,
// 7 h in autumn). A wall time that does not exist (spring gap) is pushed forward by the gap
// (02:30 → 03:30); one that exists twice (autumn) means the earlier one.

import jpHolidayTable from '@holiday-jp/holiday_jp/lib/holidays.js';
import { offsetAt } from './wall-clock';

/** Index = JavaScript's getUTCDay(). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Opening hours of one day: [from, to) in minutes after local midnight (to may be 1440). */
export type OpenRange = [number, number];

/** A calendar as stored in a parsed policy: plain JSON. */
export interface BusinessCalendar {
  name: string;
  timezone: string;
  /** Open around the clock, every day: `week`, `holidays` and `closedDates` are then empty. */
  alwaysOpen: boolean;
  /** Sorted, non-overlapping ranges per weekday; a day without ranges is closed. */
  week: Record<Weekday, OpenRange[]>;
  holidays: 'jp' | null;
  /** Local dates (YYYY-MM-DD) the company is closed on. */
  closedDates: string[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** A calendar that stays closed this long is broken: give up instead of looping. */
const MAX_CLOSED_DAYS = 5 * 366;

/** Years the bundled Japanese holiday table knows; outside them "jp" adds no holidays. */
export const JP_HOLIDAY_YEARS = yearsOf(Object.keys(jpHolidayTable));

function yearsOf(dates: string[]): { first: number; last: number } {
  const years = dates.map((d) => Number(d.slice(0, 4)));
  return { first: Math.min(...years), last: Math.max(...years) };
}

// ---------------------------------------------------------------- public API

/**
 * The deadline: the instant at which `durationMs` of business time has passed since `startMs`.
 * A start outside opening hours starts counting at the next opening. A duration that ends
 * exactly at closing time is due at closing time, not at the next opening.
 */
export function addBusinessTime(cal: BusinessCalendar, startMs: number, durationMs: number): number {
  assertInstant(startMs, 'startMs');
  if (!(durationMs >= 0) || !Number.isFinite(durationMs)) {
    throw new RangeError(`addBusinessTime: duration must be a non-negative number of ms, got ${durationMs}`);
  }
  if (cal.alwaysOpen) return startMs + durationMs;
  let left = durationMs;
  for (const [from, to] of openIntervalsFrom(cal, startMs)) {
    if (left <= to - from) return from + left;
    left -= to - from;
  }
  throw new Error('unreachable: openIntervalsFrom never ends without an upper bound');
}

/** Business ms between two instants; negative when `toMs` is before `fromMs`. */
export function businessTimeBetween(cal: BusinessCalendar, fromMs: number, toMs: number): number {
  assertInstant(fromMs, 'fromMs');
  assertInstant(toMs, 'toMs');
  if (toMs < fromMs) return -businessTimeBetween(cal, toMs, fromMs);
  if (cal.alwaysOpen) return toMs - fromMs;
  let total = 0;
  for (const [from, to] of openIntervalsFrom(cal, fromMs, toMs)) {
    total += Math.min(to, toMs) - from;
  }
  return total;
}

export function isOpen(cal: BusinessCalendar, ms: number): boolean {
  assertInstant(ms, 'ms');
  if (cal.alwaysOpen) return true;
  return openIntervalsOn(cal, localDayOf(cal.timezone, ms)).some(([from, to]) => from <= ms && ms < to);
}

/** `ms` itself when open, otherwise the start of the next opening. */
export function nextOpening(cal: BusinessCalendar, ms: number): number {
  assertInstant(ms, 'ms');
  if (cal.alwaysOpen) return ms;
  for (const [from] of openIntervalsFrom(cal, ms)) return from;
  throw new Error('unreachable: openIntervalsFrom never ends without an upper bound');
}

/** True when the calendar is closed all day on this local date (YYYY-MM-DD) whatever the weekday. */
function isClosedDate(cal: BusinessCalendar, isoDate: string): boolean {
  if (cal.closedDates.includes(isoDate)) return true;
  return cal.holidays === 'jp' && Object.prototype.hasOwnProperty.call(jpHolidayTable, isoDate);
}

// ---------------------------------------------------------------- open intervals

/**
 * Open intervals [from, to) in epoch ms, clipped to start at `fromMs`, day after day.
 * Stops before the first interval starting at or after `untilMs`; without one it runs until the
 * caller stops, or throws after MAX_CLOSED_DAYS days in a row without any opening.
 */
function* openIntervalsFrom(
  cal: BusinessCalendar,
  fromMs: number,
  untilMs = Infinity,
): Generator<[number, number]> {
  let day = localDayOf(cal.timezone, fromMs);
  let closedDays = 0;
  for (;;) {
    if (untilMs !== Infinity && localToEpoch(cal.timezone, day, 0) >= untilMs) return;
    let openedToday = false;
    for (const [from, to] of openIntervalsOn(cal, day)) {
      if (to <= fromMs) continue;
      if (from >= untilMs) return;
      openedToday = true;
      yield [Math.max(from, fromMs), to];
    }
    closedDays = openedToday ? 0 : closedDays + 1;
    if (closedDays > MAX_CLOSED_DAYS) {
      throw new Error(`calendar "${cal.name}" has no opening within ${MAX_CLOSED_DAYS} days after ${isoDay(day - closedDays + 1)}`);
    }
    day += 1;
  }
}

/** The open intervals of one local day (a day number: days since 1970-01-01), in epoch ms. */
function openIntervalsOn(cal: BusinessCalendar, day: number): Array<[number, number]> {
  if (isClosedDate(cal, isoDay(day))) return [];
  const ranges = cal.week[WEEKDAYS[weekdayIndex(day)]];
  return ranges.map(([from, to]) => [localToEpoch(cal.timezone, day, from), localToEpoch(cal.timezone, day, to)]);
}

// ---------------------------------------------------------------- civil days

function isoDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

function weekdayIndex(day: number): number {
  return new Date(day * DAY).getUTCDay();
}

// ---------------------------------------------------------------- time zones

function localDayOf(timezone: string, ms: number): number {
  return Math.floor((ms + offsetAt(timezone, ms)) / DAY);
}

/** The instant a local wall time (day number + minutes after midnight) happens. */
function localToEpoch(timezone: string, day: number, minute: number): number {
  const wall = day * DAY + minute * MINUTE;
  // Offsets a day either side bracket any DST switch near this wall time.
  const before = offsetAt(timezone, wall - DAY);
  const after = offsetAt(timezone, wall + DAY);
  if (before === after) return wall - before;
  const onOldOffset = wall - before;
  const onNewOffset = wall - after;
  const oldValid = offsetAt(timezone, onOldOffset) === before;
  const newValid = offsetAt(timezone, onNewOffset) === after;
  if (oldValid && newValid) return Math.min(onOldOffset, onNewOffset); // happens twice: the first
  if (oldValid) return onOldOffset;
  if (newValid) return onNewOffset;
  return Math.max(onOldOffset, onNewOffset); // in the spring gap: pushed forward by the gap
}

function assertInstant(ms: number, name: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be epoch ms, got ${ms}`);
}
