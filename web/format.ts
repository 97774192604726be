// Times and SLA clocks as the console shows them. Pure: every function gets
// its instant, its "now" and its time zone as arguments, so a page renders the
// same for the same input whatever the server's clock or TZ.

import { wallClockAt } from '../workflows/sla/wall-clock';
import type { SlaReport } from '../workflows/ticket-messages';
import type { Lang } from './i18n';

/** The shipped SLA policy's business calendar runs in Japan time. */
export const DEFAULT_DESK_TIME_ZONE = 'Asia/Tokyo';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

// Fixed table rather than Intl's short month: ICU changed en-GB's September to
// "Sept" (ICU 72), and the console must not change its text with the Node build.
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Intl only does the zone arithmetic (workflows/sla/wall-clock.ts); the layout is ours, because
// locale patterns (en-GB's "2 Dec 2026, 14:05", ja's unpadded months) differ between ICU versions.
function toInstant(value: string | Date, what: string): Date {
  const date = typeof value === 'string' ? new Date(value) : value;
  // An unparsable time would otherwise print as "NaN/NaN" or throw deep inside Intl.
  if (Number.isNaN(date.getTime())) throw new RangeError(`${what} is not a valid time: ${String(value)}`);
  return date;
}

/** ja `2026/12/02 14:05`, en `2 Dec 2026 14:05`: 24-hour clock, wall time in `timeZone`, seconds dropped. */
export function formatDateTime(iso: string | Date, lang: Lang, timeZone: string = DEFAULT_DESK_TIME_ZONE): string {
  const { year, month, day, hour, minute } = wallClockAt(timeZone, toInstant(iso, 'formatDateTime').getTime());
  const two = (n: number) => String(n).padStart(2, '0');
  if (lang === 'ja') return `${year}/${two(month)}/${two(day)} ${two(hour)}:${two(minute)}`;
  return `${day} ${EN_MONTHS[month - 1]} ${year} ${two(hour)}:${two(minute)}`;
}

function checkFinite(ms: number, what: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${what} needs a finite number of milliseconds, got ${ms}`);
}

/**
 * Business time left on an SLA clock (`businessMsLeft`): ja `2時間15分`, en
 * `2h 15m`; negative is overdue (`45分超過`, `45m overdue`). Hours are never
 * folded into days: a business "day" is a calendar's opening hours, not 24 h.
 * Truncated toward zero, so the time left is never overstated.
 */
export function formatBusinessDuration(ms: number, lang: Lang): string {
  checkFinite(ms, 'formatBusinessDuration');
  const overdue = ms < 0;
  const minutesTotal = Math.floor(Math.abs(ms) / MINUTE_MS);
  const hours = Math.floor(minutesTotal / 60);
  const minutes = minutesTotal % 60;
  let amount: string;
  if (minutesTotal === 0) amount = lang === 'ja' ? '1分未満' : '<1m';
  else if (lang === 'ja') amount = `${hours ? `${hours}時間` : ''}${minutes || !hours ? `${minutes}分` : ''}`;
  else amount = [hours ? `${hours}h` : '', minutes || !hours ? `${minutes}m` : ''].filter(Boolean).join(' ');
  if (!overdue) return amount;
  return lang === 'ja' ? `${amount}超過` : `${amount} overdue`;
}

/**
 * `iso` relative to `now`: ja `3分前` / `2時間後`, en `3 min ago` / `in 2 h`;
 * minutes under an hour, hours under a day, else days of 24 h (elapsed time,
 * not calendar days, so no time zone is involved). Truncated toward zero.
 */
export function formatRelative(iso: string | Date, now: Date, lang: Lang): string {
  const diff = toInstant(iso, 'formatRelative').getTime() - toInstant(now, 'formatRelative (now)').getTime();
  const future = diff > 0;
  const abs = Math.abs(diff);
  if (abs < MINUTE_MS) {
    if (lang === 'ja') return future ? 'まもなく' : 'たった今';
    return future ? 'in <1 min' : 'just now';
  }
  const [count, ja, en] =
    abs < HOUR_MS ? [Math.floor(abs / MINUTE_MS), '分', 'min'] : abs < DAY_MS ? [Math.floor(abs / HOUR_MS), '時間', 'h'] : [Math.floor(abs / DAY_MS), '日', 'd'];
  if (lang === 'ja') return `${count}${ja}${future ? '後' : '前'}`;
  return future ? `in ${count} ${en}` : `${count} ${en} ago`;
}

/** One clock of the workflow's `sla` query (and of `GET /api/tickets/:number/sla`). */
export type SlaClockEntry = SlaReport['clocks'][number];

/**
 * Whether the clock is counting now. A running clock past its deadline reports
 * state 'breached', like a clock that stopped late; only a running clock has a
 * `dueAt` (workflows/sla/clocks.ts clockView), which tells the two apart.
 */
export function isClockRunning(clock: Pick<SlaClockEntry, 'state' | 'dueAt'>): boolean {
  return clock.dueAt !== undefined && (clock.state === 'running' || clock.state === 'breached');
}

/**
 * The running clock with the least business time left (overdue ones first),
 * ties to the earlier `dueAt`, then to the report's order; undefined when no
 * clock runs (paused, stopped, met, or a ticket from before the clocks).
 */
export function nearestClock<C extends SlaClockEntry>(clocks: readonly C[]): C | undefined {
  let nearest: C | undefined;
  for (const clock of clocks) {
    if (!isClockRunning(clock)) continue;
    if (
      !nearest ||
      clock.businessMsLeft < nearest.businessMsLeft ||
      (clock.businessMsLeft === nearest.businessMsLeft && Date.parse(clock.dueAt!) < Date.parse(nearest.dueAt!))
    ) {
      nearest = clock;
    }
  }
  return nearest;
}
