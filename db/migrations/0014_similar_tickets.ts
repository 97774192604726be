import { sql, type Kysely } from 'kysely';
import { indexClosedTickets } from '../../lib/similar/indexing';

/**
 * "Similar past tickets": each closed ticket's terms (lib/similar/terms.ts)
 * in a text[] with a GIN index, so a query finds the tickets sharing a term
 * through the index (`terms && array[…]`); how many tickets hold each term
 * (the document frequency BM25 weighs terms by), and the totals (tickets,
 * terms) for the idf and the average length. Plain arrays and GIN: no
 * extension needed (pg_trgm would drop Japanese under the C locale).
 *
 * Tickets closed before this migration are indexed here, once; from now on
 * each ticket is indexed when its read model records it closed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('similar_ticket_terms')
    .addColumn('ticket_number', 'text', (c) => c.primaryKey().references('tickets.number').onDelete('cascade'))
    .addColumn('terms', sql`text[]`, (c) => c.notNull())
    .addColumn('term_count', 'integer', (c) => c.notNull())
    .addColumn('indexed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // fastupdate off: a pending list would be read through by every query until a vacuum merged it; a close writes ~100 entries, cheap enough directly.
  await sql`create index similar_ticket_terms_terms on similar_ticket_terms using gin (terms) with (fastupdate = off)`.execute(db);

  await db.schema
    .createTable('similar_term_counts')
    .addColumn('term', 'text', (c) => c.primaryKey())
    .addColumn('tickets', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('similar_totals')
    .addColumn('id', 'smallint', (c) => c.primaryKey().defaultTo(1).check(sql`id = 1`))
    .addColumn('tickets', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('term_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.insertInto('similar_totals').values({ id: 1 }).execute();

  await indexClosedTickets(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['similar_totals', 'similar_term_counts', 'similar_ticket_terms']) await db.schema.dropTable(table).execute();
}
