import { sql, type Kysely } from 'kysely';

/**
 * Knowledge records: what the desk learnt from resolved tickets, in a fixed
 * form (symptom, cause, fix, product and version, keywords), reviewed by a
 * second person before it is published (lib/knowledge/record-rules.ts). They
 * live here, not in a ticket's workflow: a record outlives its tickets and
 * gathers later ones (knowledge_record_tickets).
 *
 * `terms` holds the record's search terms (lib/knowledge/record-terms.ts)
 * under a GIN index, as similar_ticket_terms does for tickets: a search finds
 * the records sharing a term through the index instead of reading every one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('knowledge_records')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('symptom', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('fix', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('product', 'text')
    .addColumn('version', 'text')
    .addColumn('keywords', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('public', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'in_review', 'published', 'rejected')`))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('reviewer', 'text')
    .addColumn('review_comment', 'text')
    .addColumn('terms', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('reviewed_at', 'timestamptz')
    .execute();
  await sql`create index knowledge_records_terms on knowledge_records using gin (terms)`.execute(db);
  await db.schema.createIndex('knowledge_records_status').on('knowledge_records').columns(['status', 'updated_at']).execute();

  await db.schema
    .createTable('knowledge_record_tickets')
    .addColumn('record_id', 'bigint', (c) => c.notNull().references('knowledge_records.id').onDelete('cascade'))
    .addColumn('ticket_number', 'text', (c) => c.notNull().references('tickets.number').onDelete('cascade'))
    .addColumn('linked_by', 'text', (c) => c.notNull())
    .addColumn('linked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('knowledge_record_tickets_pk', ['record_id', 'ticket_number'])
    .execute();
  // Similar tickets ask for the records of given tickets.
  await db.schema.createIndex('knowledge_record_tickets_ticket').on('knowledge_record_tickets').column('ticket_number').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['knowledge_record_tickets', 'knowledge_records']) await db.schema.dropTable(table).execute();
}
