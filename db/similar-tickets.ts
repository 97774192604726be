import { sql, type Kysely } from 'kysely';
import { planQuery, rankCandidates, type Candidate, type QueryTerm } from '../lib/similar/score';
import { ticketTerms, type TicketText } from '../lib/similar/terms';
import { publishedRecordsOf } from './knowledge-records';
import type { Database } from './schema';

// The queries of "similar past tickets" (lib/similar/ says how terms are cut
// and scored, lib/similar/indexing.ts how closed tickets get indexed).

/** What the index holds of a ticket: subject, first inquiry and resolution, and whether it may be offered. */
export interface TicketForIndex extends TicketText {
  number: string;
  status: string;
  spam: boolean;
}

/** A closed ticket like the one asked about, with the shared terms that weighed most. */
export interface SimilarTicket {
  number: string;
  subject: string;
  score: number;
  terms: string[];
  closedAt: string | null;
  resolution: string | null;
  /** The published knowledge records linked to that ticket: what the desk learnt from it. */
  records: { id: string; symptom: string }[];
}

/** Past tickets whose index rows are looked at, by their sum before the length factor. */
const CANDIDATES = 50;
/** Shared terms shown per similar ticket. */
const SHOWN_TERMS = 8;

/** Tickets with their first inquiry's text: by number, or (`after`) the next closed ones in number order. */
export function ticketsForIndex(db: Kysely<Database>, which: { numbers: string[] } | { closedAfter: string; limit: number }): Promise<TicketForIndex[]> {
  let query = db
    .selectFrom('tickets as t')
    .select(['t.number', 't.subject', 't.resolution', 't.status', 't.spam'])
    .select((eb) =>
      eb.selectFrom('articles as a').select('a.body').whereRef('a.ticket_number', '=', 't.number').where('a.kind', '=', 'inquiry').orderBy('a.id').limit(1).as('inquiry'),
    );
  if ('numbers' in which) query = query.where('t.number', 'in', which.numbers);
  else query = query.where('t.status', '=', 'closed').where('t.number', '>', which.closedAfter).orderBy('t.number').limit(which.limit);
  return query.execute();
}

/** The closed tickets most like ticket `number` (at most `limit`); undefined when there is no such ticket. */
export async function similarTickets(db: Kysely<Database>, number: string, limit = 5): Promise<SimilarTicket[] | undefined> {
  const [ticket] = await ticketsForIndex(db, { numbers: [number] });
  if (!ticket) return undefined;
  const weights = ticketTerms(ticket);
  if (weights.size === 0) return [];
  const [counts, totals] = await Promise.all([termCounts(db, [...weights.keys()]), indexTotals(db)]);
  const plan = planQuery(weights, counts, totals.tickets);
  if (plan.length === 0) return [];
  const found = await db.transaction().execute(async (tx) => {
    // Starting parallel workers costs more than these few thousand index rows (measured: 47 ms against 20 ms in all).
    await sql`set local max_parallel_workers_per_gather = 0`.execute(tx);
    return candidatesSharing(tx, plan, number);
  });
  const ranked = rankCandidates(found, totals.tickets ? totals.termCount / totals.tickets : 0, limit);
  const records = await publishedRecordsOf(db, ranked.map((c) => c.number));
  return ranked.map((c) => ({
    number: c.number,
    subject: c.subject,
    score: c.score,
    terms: c.terms.slice(0, SHOWN_TERMS),
    closedAt: c.closedAt,
    resolution: c.resolution,
    records: records.get(c.number) ?? [],
  }));
}

async function termCounts(db: Kysely<Database>, terms: string[]): Promise<Map<string, number>> {
  const rows = await db.selectFrom('similar_term_counts').select(['term', 'tickets']).where('term', 'in', terms).execute();
  return new Map(rows.map((r) => [r.term, r.tickets]));
}

async function indexTotals(db: Kysely<Database>): Promise<{ tickets: number; termCount: number }> {
  const row = await db.selectFrom('similar_totals').select(['tickets', 'term_count']).where('id', '=', 1).executeTakeFirst();
  return { tickets: Number(row?.tickets ?? 0), termCount: Number(row?.term_count ?? 0) };
}

type FoundTicket = Candidate & { subject: string; resolution: string | null; closedAt: string | null };

/**
 * Term at a time: for each query term the GIN index gives the past tickets
 * holding it (`terms && array[term]`), and each ticket adds up the values of
 * its shared terms. So a ticket's stored array is never read whole, and the
 * work is the number of index rows the plan allowed (lib/similar/score.ts).
 * One branch per term, each with its term as a constant: joined against a
 * list of terms instead, PostgreSQL scans the whole table. Tickets reopened
 * since they were indexed, or marked as spam, are left out.
 */
async function candidatesSharing(db: Kysely<Database>, plan: QueryTerm[], self: string): Promise<FoundTicket[]> {
  const lookups = sql.join(
    plan.map((p) => sql`select ticket_number, term_count, ${p.term}::text as term, ${p.value}::float8 as value from similar_ticket_terms where terms && array[${p.term}::text]`),
    sql` union all `,
  );
  const { rows } = await sql<{ number: string; term_count: number; matched: number; terms: string[]; subject: string; resolution: string | null; closed_at: Date | null }>`
    with hits as (${lookups}),
    best as (
      select ticket_number, term_count, sum(value) as matched, array_agg(term order by value desc, term) as terms
      from hits where ticket_number <> ${self} group by ticket_number, term_count
      order by matched desc limit ${CANDIDATES}
    )
    select b.ticket_number as number, b.term_count, b.matched, b.terms, t.subject, t.resolution, t.closed_at
    from best b join tickets t on t.number = b.ticket_number
    where t.status = 'closed' and not t.spam`.execute(db);
  return rows.map((r) => ({
    number: r.number,
    termCount: r.term_count,
    matched: Number(r.matched),
    terms: r.terms,
    subject: r.subject,
    resolution: r.resolution,
    closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
  }));
}
