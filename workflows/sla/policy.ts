// The SLA policy: calendars, per-priority targets, the warning point and who hears of escalations.
//
// parsePolicy checks a whole policy document (as parsed from JSON) and either returns it in the
// form the clocks use — durations in ms, opening hours in minutes — or lists every problem, each
// naming its field. It is all or nothing: a policy with one error is not used at all.
// Pure (bundled into the workflow sandbox); the result is plain JSON, fit for workflow state.

import { PRIORITIES, type Priority } from '../ticket-types';
import { WEEKDAYS, type BusinessCalendar, type OpenRange, type Weekday } from './calendar';
import { checkTimeZone } from './wall-clock';

export interface PriorityTargets {
  /** Name of the calendar the durations are counted on. */
  calendar: string;
  firstResponseMs: number;
  updateMs: number;
  resolutionMs: number;
}

const ESCALATION_LEVELS = ['L2', 'L3'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

export interface SlaPolicy {
  calendars: Record<string, BusinessCalendar>;
  priorities: Record<Priority, PriorityTargets>;
  /** Share of a budget (0–1, exclusive) after which a clock warns. */
  warnAt: number;
  escalation: Record<EscalationLevel, { notify: string }>;
}

export type PolicyParseResult = { ok: true; policy: SlaPolicy } | { ok: false; errors: string[] };

export function calendarFor(policy: SlaPolicy, priority: Priority): BusinessCalendar {
  return policy.calendars[policy.priorities[priority].calendar];
}

// ---------------------------------------------------------------- durations

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * "2h", "30m", "1h30m", "90m", "5s" → ms. Days are refused on purpose: on a business calendar
 * a "day" could mean 24 h or one working day, so the policy must say hours ("24h").
 */
export function parseBusinessDuration(text: string): { ok: true; ms: number } | { ok: false; error: string } {
  const m = DURATION.exec(text);
  if (text === '' || !m) {
    if (/^\d+d/.test(text)) {
      return { ok: false, error: `"${text}" uses days, which are ambiguous on a business calendar: write hours, e.g. "24h"` };
    }
    return { ok: false, error: `"${text}" is not a duration like "2h" or "30m"` };
  }
  const [h, min, s] = [m[1], m[2], m[3]].map((v) => Number(v ?? 0));
  const ms = ((h * 60 + min) * 60 + s) * 1000;
  if (ms <= 0) return { ok: false, error: `"${text}" must be longer than zero` };
  return { ok: true, ms };
}

/** ms → "1h30m" / "5s" (the inverse of parseBusinessDuration, for messages). */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.round(Math.abs(ms) / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0s';
  return ms < 0 ? `-${text}` : text;
}

// ---------------------------------------------------------------- the parser

type Json = Record<string, unknown>;

/** Collects errors as `path: message`; every check returns undefined on failure. */
class Checker {
  readonly errors: string[] = [];

  fail(path: string, message: string): undefined {
    this.errors.push(`${path}: ${message}`);
    return undefined;
  }

  object(value: unknown, path: string): Json | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
    return this.fail(path, `must be an object, got ${describe(value)}`);
  }

  onlyKeys(obj: Json, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.fail(join(path, key), `unknown field (expected one of ${allowed.join(', ')})`);
    }
  }

  string(value: unknown, path: string): string | undefined {
    if (typeof value === 'string') return value;
    return this.fail(path, value === undefined ? 'required' : `must be a string, got ${describe(value)}`);
  }
}

export function parsePolicy(json: unknown): PolicyParseResult {
  const c = new Checker();
  const root = c.object(json, 'policy');
  if (!root) return { ok: false, errors: c.errors };
  c.onlyKeys(root, ['calendars', 'priorities', 'warnAt', 'escalation'], '');

  const calendars = parseCalendars(c, root.calendars);
  const priorities = parsePriorities(c, root.priorities, calendars);
  const warnAt = parseWarnAt(c, root.warnAt);
  const escalation = parseEscalation(c, root.escalation);

  if (c.errors.length > 0 || !calendars || !priorities || warnAt === undefined || !escalation) {
    return { ok: false, errors: c.errors };
  }
  return { ok: true, policy: { calendars, priorities, warnAt, escalation } };
}

// ---------------------------------------------------------------- calendars

const CALENDAR_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

function parseCalendars(c: Checker, value: unknown): Record<string, BusinessCalendar> | undefined {
  const obj = c.object(value, 'calendars');
  if (!obj) return undefined;
  const calendars: Record<string, BusinessCalendar> = {};
  let allValid = true;
  for (const [name, raw] of Object.entries(obj)) {
    const path = `calendars.${name}`;
    if (!CALENDAR_NAME.test(name)) {
      c.fail(path, 'a calendar name is letters, digits, "-" and "_", starting with a letter');
      allValid = false;
      continue;
    }
    const cal = parseCalendar(c, name, raw, path);
    if (cal) calendars[name] = cal;
    else allValid = false;
  }
  if (Object.keys(obj).length === 0) return c.fail('calendars', 'at least one calendar is needed');
  return allValid ? calendars : undefined;
}

function parseCalendar(c: Checker, name: string, value: unknown, path: string): BusinessCalendar | undefined {
  const obj = c.object(value, path);
  if (!obj) return undefined;
  const before = c.errors.length;
  c.onlyKeys(obj, ['timezone', 'alwaysOpen', 'week', 'holidays', 'closedDates'], path);

  const timezone = c.string(obj.timezone, `${path}.timezone`);
  if (timezone !== undefined) {
    try {
      checkTimeZone(timezone);
    } catch {
      c.fail(`${path}.timezone`, `"${timezone}" is not a time zone (IANA names like "Asia/Tokyo")`);
    }
  }

  let alwaysOpen = false;
  if (obj.alwaysOpen !== undefined) {
    if (typeof obj.alwaysOpen !== 'boolean') c.fail(`${path}.alwaysOpen`, `must be true or false, got ${describe(obj.alwaysOpen)}`);
    else alwaysOpen = obj.alwaysOpen;
  }

  let week = emptyWeek();
  let holidays: 'jp' | null = null;
  let closedDates: string[] = [];
  if (alwaysOpen) {
    for (const key of ['week', 'holidays', 'closedDates']) {
      if (obj[key] !== undefined) c.fail(`${path}.${key}`, 'not allowed on an "alwaysOpen" calendar');
    }
  } else {
    week = parseWeek(c, obj.week, `${path}.week`) ?? week;
    holidays = parseHolidays(c, obj.holidays, `${path}.holidays`);
    closedDates = parseClosedDates(c, obj.closedDates, `${path}.closedDates`);
  }

  if (c.errors.length > before || timezone === undefined) return undefined;
  return { name, timezone, alwaysOpen, week, holidays, closedDates };
}

function emptyWeek(): Record<Weekday, OpenRange[]> {
  return { sun: [], mon: [], tue: [], wed: [], thu: [], fri: [], sat: [] };
}

function parseWeek(c: Checker, value: unknown, path: string): Record<Weekday, OpenRange[]> | undefined {
  if (value === undefined) return c.fail(path, 'required (opening hours per weekday), or set "alwaysOpen": true');
  const obj = c.object(value, path);
  if (!obj) return undefined;
  const before = c.errors.length;
  c.onlyKeys(obj, WEEKDAYS, path);
  const week = emptyWeek();
  for (const day of WEEKDAYS) {
    if (obj[day] !== undefined) week[day] = parseDayRanges(c, obj[day], `${path}.${day}`) ?? [];
  }
  // Only when the days themselves are fine: a broken range would otherwise report twice.
  if (c.errors.length === before && WEEKDAYS.every((day) => week[day].length === 0)) {
    return c.fail(path, 'the calendar is never open: give at least one day opening hours like [["09:30","17:30"]]');
  }
  return week;
}

function parseDayRanges(c: Checker, value: unknown, path: string): OpenRange[] | undefined {
  if (!Array.isArray(value)) return c.fail(path, `must be a list of ["HH:MM","HH:MM"] ranges, got ${describe(value)}`);
  const ranges: Array<{ range: OpenRange; text: string }> = [];
  value.forEach((raw, i) => {
    const rangePath = `${path}[${i}]`;
    if (!Array.isArray(raw) || raw.length !== 2 || typeof raw[0] !== 'string' || typeof raw[1] !== 'string') {
      c.fail(rangePath, `must be a ["HH:MM","HH:MM"] pair, got ${describe(raw)}`);
      return;
    }
    const [fromText, toText] = raw as [string, string];
    const from = parseClockTime(fromText, false);
    const to = parseClockTime(toText, true);
    if (from === undefined) c.fail(rangePath, `"${fromText}" is not a time of day HH:MM (00:00–23:59)`);
    if (to === undefined) c.fail(rangePath, `"${toText}" is not a time of day HH:MM (00:01–24:00)`);
    if (from === undefined || to === undefined) return;
    if (from >= to) {
      c.fail(rangePath, `opens at "${fromText}" but closes at "${toText}": the start must be before the end`);
      return;
    }
    ranges.push({ range: [from, to], text: `"${fromText}"–"${toText}"` });
  });
  const sorted = [...ranges].sort((a, b) => a.range[0] - b.range[0]);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].range[0] < sorted[i - 1].range[1]) {
      c.fail(path, `ranges ${sorted[i - 1].text} and ${sorted[i].text} overlap`);
    }
  }
  return sorted.map((r) => r.range);
}

/** "09:30" → 570 minutes. "24:00" is allowed only as a closing time. */
function parseClockTime(text: string, isClosing: boolean): number | undefined {
  const m = /^(\d\d):(\d\d)$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59) return undefined;
  if (isClosing ? minutes < 1 || minutes > 1440 : minutes > 1439) return undefined;
  return minutes;
}

function parseHolidays(c: Checker, value: unknown, path: string): 'jp' | null {
  if (value === undefined || value === null) return null;
  if (value === 'jp') return 'jp';
  c.fail(path, `${describe(value)} is not a known holiday set (only "jp": Japanese national holidays)`);
  return null;
}

function parseClosedDates(c: Checker, value: unknown, path: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    c.fail(path, `must be a list of "YYYY-MM-DD" dates, got ${describe(value)}`);
    return [];
  }
  const dates = new Set<string>();
  value.forEach((d, i) => {
    if (typeof d === 'string' && isRealDate(d)) dates.add(d);
    else c.fail(`${path}[${i}]`, `${describe(d)} is not a date "YYYY-MM-DD"`);
  });
  return [...dates].sort();
}

function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d\d-\d\d$/.test(text)) return false;
  const ms = Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10)));
  return new Date(ms).toISOString().slice(0, 10) === text;
}

// ---------------------------------------------------------------- priorities, warning, escalation

const TARGETS = ['firstResponse', 'update', 'resolution'] as const;

function parsePriorities(
  c: Checker,
  value: unknown,
  calendars: Record<string, BusinessCalendar> | undefined,
): Record<Priority, PriorityTargets> | undefined {
  const obj = c.object(value, 'priorities');
  if (!obj) return undefined;
  const before = c.errors.length;
  for (const key of Object.keys(obj)) {
    if (!(PRIORITIES as readonly string[]).includes(key)) {
      c.fail(`priorities.${key}`, `unknown priority (expected ${PRIORITIES.join(', ')})`);
    }
  }
  const result = {} as Record<Priority, PriorityTargets>;
  for (const priority of PRIORITIES) {
    const path = `priorities.${priority}`;
    if (obj[priority] === undefined) {
      c.fail(path, 'required: every priority needs its targets');
      continue;
    }
    const targets = parseTargets(c, obj[priority], path, calendars);
    if (targets) result[priority] = targets;
  }
  return c.errors.length > before ? undefined : result;
}

function parseTargets(
  c: Checker,
  value: unknown,
  path: string,
  calendars: Record<string, BusinessCalendar> | undefined,
): PriorityTargets | undefined {
  const obj = c.object(value, path);
  if (!obj) return undefined;
  c.onlyKeys(obj, ['calendar', ...TARGETS], path);
  const calendar = c.string(obj.calendar, `${path}.calendar`);
  // When the calendars themselves are broken their errors say so; don't pile "no calendar" on top.
  if (calendar !== undefined && calendars && !(calendar in calendars)) {
    c.fail(`${path}.calendar`, `no calendar named "${calendar}"`);
  }
  const ms: Partial<Record<(typeof TARGETS)[number], number>> = {};
  for (const target of TARGETS) {
    const text = c.string(obj[target], `${path}.${target}`);
    if (text === undefined) continue;
    const parsed = parseBusinessDuration(text);
    if (parsed.ok) ms[target] = parsed.ms;
    else c.fail(`${path}.${target}`, parsed.error);
  }
  if (calendar === undefined || ms.firstResponse === undefined || ms.update === undefined || ms.resolution === undefined) {
    return undefined;
  }
  return { calendar, firstResponseMs: ms.firstResponse, updateMs: ms.update, resolutionMs: ms.resolution };
}

function parseWarnAt(c: Checker, value: unknown): number | undefined {
  if (value === undefined) return c.fail('warnAt', 'required (share of a budget after which to warn, e.g. 0.8)');
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value >= 1) {
    return c.fail('warnAt', `must be a number between 0 and 1 (exclusive), got ${describe(value)}`);
  }
  return value;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function parseEscalation(c: Checker, value: unknown): SlaPolicy['escalation'] | undefined {
  const obj = c.object(value, 'escalation');
  if (!obj) return undefined;
  const before = c.errors.length;
  c.onlyKeys(obj, ESCALATION_LEVELS, 'escalation');
  const result = {} as SlaPolicy['escalation'];
  for (const level of ESCALATION_LEVELS) {
    const path = `escalation.${level}`;
    if (obj[level] === undefined) {
      c.fail(path, 'required ({ "notify": "address@example" })');
      continue;
    }
    const entry = c.object(obj[level], path);
    if (!entry) continue;
    c.onlyKeys(entry, ['notify'], path);
    const notify = c.string(entry.notify, `${path}.notify`);
    if (notify === undefined) continue;
    if (!EMAIL.test(notify)) c.fail(`${path}.notify`, `"${notify}" is not an e-mail address`);
    else result[level] = { notify };
  }
  return c.errors.length > before ? undefined : result;
}

// ---------------------------------------------------------------- helpers

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  const text = JSON.stringify(value);
  return text === undefined ? typeof value : text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
