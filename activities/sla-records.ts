import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { slaAlarms } from '../lib/metrics/desk-metrics';
import type { SlaEventRecord } from '../workflows/ticket-effects';

export type SlaEventRow = SlaEventRecord & { key: string; number: string };

/**
 * Writes one SLA verdict (once per key) and answers whether it was new, with the ticket's level
 * read in the same statement (a warning carries none of its own). `db` may be a transaction.
 */
export async function insertSlaEvent(db: Kysely<Database>, event: SlaEventRow): Promise<{ level: string | null } | undefined> {
  return db
    .insertInto('sla_events')
    .values({
      event_key: event.key,
      ticket_number: event.number,
      clock: event.clock,
      kind: event.kind,
      deadline: event.deadline ?? null,
      actual_at: event.actualAt,
      margin_ms: event.marginMs ?? null,
      level_from: event.levelFrom ?? null,
      level_to: event.levelTo ?? null,
    })
    .onConflict((oc) => oc.column('event_key').doNothing())
    .returning((eb) => eb.selectFrom('tickets').select('support_level').where('number', '=', event.number).as('level'))
    .executeTakeFirst();
}

/** Counts a warning or breach that was just written (never one a retry met already written). */
export function countSlaAlarm(event: SlaEventRow, inserted: { level: string | null }): void {
  if (event.kind === 'warning' || event.kind === 'breach') slaAlarms.inc({ kind: event.kind, level: event.levelFrom ?? inserted.level ?? 'unknown' });
}

/** SLA verdicts for managers' breach and met rates; one row per key however often retried. */
export function slaRecordActivities(db: Kysely<Database>) {
  return {
    async recordSlaEvent(event: SlaEventRow): Promise<void> {
      const inserted = await insertSlaEvent(db, event);
      // Counted once: a retry meets the row of the first time and inserts nothing.
      if (inserted) countSlaAlarm(event, inserted);
    },
  };
}
