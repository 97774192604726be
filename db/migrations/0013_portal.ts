import { sql, type Kysely } from 'kysely';

/**
 * The customer portal (/portal): one-time sign-in links (only their SHA-256
 * kept), customers' sessions (apart from the agents' `sessions`), and the
 * link requests counted to slow repeated requests down.
 *
 * The sign-in mail goes through the outbox like every other mail: an outgoing
 * article (kind 'notice', no ticket) with one outbound_mail row. Mail that
 * belongs to no ticket has ticket_number NULL there, as articles already may.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('portal_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'bigint', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('used_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('portal_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'bigint', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('portal_link_requests')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('portal_link_requests_address').on('portal_link_requests').columns(['address', 'at']).execute();
  await db.schema.createIndex('portal_link_requests_ip').on('portal_link_requests').columns(['ip', 'at']).execute();

  await db.schema.alterTable('outbound_mail').alterColumn('ticket_number', (c) => c.dropNotNull()).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('outbound_mail').where('ticket_number', 'is', null).execute();
  await db.schema.alterTable('outbound_mail').alterColumn('ticket_number', (c) => c.setNotNull()).execute();
  for (const table of ['portal_link_requests', 'portal_sessions', 'portal_links']) await db.schema.dropTable(table).execute();
}
