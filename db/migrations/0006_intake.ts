import { sql, type Kysely } from 'kysely';

/**
 * The mail intake's memory:
 * - intake_messages: one row per message the desk has taken in, keyed by the
 *   message's intake key (hash of its Message-ID, or of its bytes when it has
 *   none). What it became, and whether it sits in Junk; a message seen again
 *   finds its row and is not taken in twice.
 * - article_attachments: the files of an incoming article, byte for byte.
 * - articles: the spam filter's verdict and the decoder's problems per article.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('intake_messages')
    .addColumn('intake_key', 'text', (c) => c.primaryKey())
    .addColumn('raw_message_id', 'bigint', (c) => c.notNull().references('raw_messages.id'))
    .addColumn('message_id', 'text')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('oversize', 'boolean', (c) => c.notNull().defaultTo(false))
    // ticket | follow-up | spam | ignored; null until the intake workflow has decided and acted.
    .addColumn('outcome', 'text')
    .addColumn('reason', 'text')
    .addColumn('ticket_number', 'text')
    // The number allocated for a new ticket from this message: allocated once, however often the activity runs.
    .addColumn('opened_ticket_number', 'text')
    .addColumn('article_id', 'bigint')
    .addColumn('spam_score', 'double precision')
    .addColumn('spam_outcome', 'text')
    .addColumn('spam_clues', 'jsonb')
    // The message was last seen in (or moved by us to) the Junk folder: seeing it in INBOX again is an agent's correction.
    .addColumn('in_junk', 'boolean', (c) => c.notNull().defaultTo(false))
    // What the folders taught the filter about this message (spam | ham), if anything.
    .addColumn('trained', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('intake_messages_message_id').on('intake_messages').column('message_id').execute();

  await db.schema
    .createTable('article_attachments')
    .addColumn('article_id', 'bigint', (c) => c.notNull().references('articles.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('filename', 'text')
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('inline', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('article_attachments_pk', ['article_id', 'position'])
    .execute();

  await db.schema
    .alterTable('articles')
    .addColumn('spam_score', 'double precision')
    .addColumn('spam_outcome', 'text')
    .addColumn('spam_clues', 'jsonb')
    .addColumn('mail_problems', 'jsonb')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('articles')
    .dropColumn('spam_score')
    .dropColumn('spam_outcome')
    .dropColumn('spam_clues')
    .dropColumn('mail_problems')
    .execute();
  await db.schema.dropTable('article_attachments').execute();
  await db.schema.dropTable('intake_messages').execute();
}
