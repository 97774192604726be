import type { Kysely } from 'kysely';

/** The console lists open tickets by their nearest SLA deadline, so the read model keeps it. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tickets').addColumn('next_due_at', 'timestamptz').execute();
  await db.schema.createIndex('tickets_next_due').on('tickets').columns(['status', 'next_due_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tickets').dropColumn('next_due_at').execute();
}
