// A time zone's wall clock, from Intl (which does the zone arithmetic, DST
// included): one place for the SLA calendar, the console's dates and "today".
// Pure and deterministic for its arguments; the workflow sandbox imports it.

export interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

// en-US with numeric fields and h23: the parts are plain Latin digits, and midnight is 0, not 24.
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      numberingSystem: 'latn',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a RangeError naming the zone when Intl does not know it. */
export function checkTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/** What a clock on the wall in `timeZone` shows at `ms`. */
export function wallClockAt(timeZone: string, ms: number): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** UTC offset of the zone at `ms`, in ms (Tokyo: +9 h). */
export function offsetAt(timeZone: string, ms: number): number {
  const hour = Math.floor(ms / HOUR);
  const key = `${timeZone} ${hour}`;
  let steady = steadyOffsets.get(key);
  if (steady === undefined) {
    const first = exactOffsetAt(timeZone, hour * HOUR);
    steady = first === exactOffsetAt(timeZone, hour * HOUR + HOUR - 1000) ? first : null;
    if (steadyOffsets.size >= MAX_STEADY_HOURS) steadyOffsets.clear();
    steadyOffsets.set(key, steady);
  }
  return steady ?? exactOffsetAt(timeZone, ms);
}

// Planning a ticket's SLA clocks asks for the offset hundreds of times, and
// formatToParts is slow (it was a tenth of the workflow thread's time when mail
// arrived in a burst). An hour whose first and last second have the same offset
// has it throughout (no zone changes its offset twice within an hour), so that
// offset is kept per zone and UTC hour; an hour with a switch in it is read
// exactly each time. The answer is the same either way: a cache, not a rule.
const HOUR = 3_600_000;
const MAX_STEADY_HOURS = 20_000;
const steadyOffsets = new Map<string, number | null>();

function exactOffsetAt(timeZone: string, ms: number): number {
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  const wall = wallClockAt(timeZone, wholeSecond);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - wholeSecond;
}

/** The instant the zone's current day began at `ms` (its local midnight, with the offset in force at midnight, not now). */
export function startOfDayAt(timeZone: string, ms: number): number {
  const wall = wallClockAt(timeZone, ms);
  const midnightAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day);
  // A DST switch since midnight changed the offset: read it again at the first guess.
  const guess = midnightAsUtc - offsetAt(timeZone, ms);
  return midnightAsUtc - offsetAt(timeZone, guess);
}
