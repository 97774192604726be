import type { Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * Allocates the next ticket number, OTRS-like: the date in Japan time and a
 * five-digit counter for that day (2026112100042). One row per day, bumped in
 * a single statement, so concurrent callers never share a number.
 */
export async function allocateTicketNumber(db: Kysely<Database>, now = new Date()): Promise<string> {
  const day = japanDate(now);
  const row = await db
    .insertInto('ticket_numbers')
    .values({ day, counter: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet((eb) => ({ counter: eb('ticket_numbers.counter', '+', 1) })))
    .returning('counter')
    .executeTakeFirstOrThrow();
  return `${day}${String(row.counter).padStart(5, '0')}`;
}

/** YYYYMMDD in Asia/Tokyo (UTC+9 all year: Japan has no daylight saving time). */
function japanDate(at: Date): string {
  return new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
}
