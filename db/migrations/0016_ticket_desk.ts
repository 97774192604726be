import { sql, type Kysely } from 'kysely';

/**
 * A ticket's desk, for the lists' desk filter: read from the recorded state, so
 * every writer of the read model keeps it without knowing of it. Tickets from
 * before desks have none: they are the default desk's (lib/desks/desk.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table tickets add column desk text generated always as (state->>'desk') stored`.execute(db);
  await db.schema.createIndex('tickets_desk').on('tickets').columns(['desk', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tickets').dropColumn('desk').execute();
}
