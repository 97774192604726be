import { sql, type Kysely } from 'kysely';

/** SLA verdicts and alarms: warnings, breaches (with the escalation they caused), met and missed clocks. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sla_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event_key', 'text', (c) => c.notNull().unique())
    .addColumn('ticket_number', 'text', (c) => c.notNull())
    .addColumn('clock', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('deadline', 'timestamptz')
    .addColumn('actual_at', 'timestamptz', (c) => c.notNull())
    .addColumn('margin_ms', 'bigint')
    .addColumn('level_from', 'text')
    .addColumn('level_to', 'text')
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('sla_events_time').on('sla_events').columns(['actual_at', 'kind']).execute();
  await db.schema.createIndex('sla_events_ticket').on('sla_events').columns(['ticket_number', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sla_events').execute();
}
