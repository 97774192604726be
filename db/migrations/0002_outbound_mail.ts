import { sql, type Kysely } from 'kysely';

/**
 * The outbox: one row per outgoing article, holding the exact bytes sent, so a
 * retried activity sends the same message (same Message-ID) at most once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbound_mail')
    .addColumn('article_id', 'bigint', (c) => c.primaryKey().references('articles.id'))
    .addColumn('ticket_number', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending', 'sending', 'sent', 'failed')`))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('envelope_from', 'text', (c) => c.notNull())
    .addColumn('envelope_to', sql`text[]`, (c) => c.notNull())
    .addColumn('charset', 'text', (c) => c.notNull())
    .addColumn('raw', 'bytea', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sending_since', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('server_response', 'text')
    .addColumn('rejected', sql`text[]`)
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('outbound_mail_unsent').on('outbound_mail').column('state').where(sql.ref('state'), '<>', 'sent').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbound_mail').execute();
}
