import { sql, type Kysely } from 'kysely';

/**
 * The spam filter's word list. Counts per token and per verdict, the message
 * totals with a version that every training bumps, one record per trained
 * message (so training is idempotent and a flipped verdict moves exactly that
 * message's counts), and a short log of recent changes from which the workers'
 * in-memory copies catch up.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('spam_tokens')
    .addColumn('token', 'text', (c) => c.primaryKey())
    .addColumn('spam_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`spam_count >= 0`))
    .addColumn('ham_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`ham_count >= 0`))
    .execute();

  await db.schema
    .createTable('spam_totals')
    .addColumn('id', 'smallint', (c) => c.primaryKey().defaultTo(1).check(sql`id = 1`))
    .addColumn('spam_messages', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ham_messages', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.insertInto('spam_totals').values({ id: 1 }).execute();

  await db.schema
    .createTable('spam_trained_messages')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('spam', 'ham')`))
    .addColumn('tokens', sql`text[]`, (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('trained_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('spam_training_log')
    .addColumn('version', 'bigint', (c) => c.primaryKey())
    .addColumn('deltas', 'jsonb', (c) => c.notNull())
    .addColumn('logged_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('spam_training_log_logged_at').on('spam_training_log').column('logged_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('spam_training_log').execute();
  await db.schema.dropTable('spam_trained_messages').execute();
  await db.schema.dropTable('spam_totals').execute();
  await db.schema.dropTable('spam_tokens').execute();
}
