import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { slaAlarms } from '../lib/metrics/desk-metrics';
import type { SlaEventRecord } from '../workflows/ticket-effects';

/** SLA verdicts for managers' breach and met rates; one row per key however often retried. */
export function slaRecordActivities(db: Kysely<Database>) {
  return {
    async recordSlaEvent(event: SlaEventRecord & { key: string; number: string }): Promise<void> {
      const inserted = await db
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
        // The ticket's level with the row, in one statement; a warning carries none of its own.
        .returning((eb) => eb.selectFrom('tickets').select('support_level').where('number', '=', event.number).as('level'))
        .executeTakeFirst();
      // Counted once: a retry meets the row of the first time and inserts nothing.
      if (inserted && (event.kind === 'warning' || event.kind === 'breach')) {
        slaAlarms.inc({ kind: event.kind, level: event.levelFrom ?? inserted.level ?? 'unknown' });
      }
    },
  };
}
