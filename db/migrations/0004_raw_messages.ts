import { sql, type Kysely } from 'kysely';

/**
 * Every mail as it arrived, stored before anything else reads it: the bytes
 * and their SHA-256. Nothing the intake does later can lose a customer's mail.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('raw_messages')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('raw', 'bytea', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('raw_messages_sha256').on('raw_messages').column('sha256').execute();
  await db.schema.createIndex('raw_messages_message_id').on('raw_messages').column('message_id').execute();
  await db.schema.alterTable('articles').addColumn('raw_message_id', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('articles').dropColumn('raw_message_id').execute();
  await db.schema.dropTable('raw_messages').execute();
}
