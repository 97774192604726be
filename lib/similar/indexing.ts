// Keeping the "similar past tickets" index current.
//
// A ticket is indexed when its read model records it closed: the
// recordTicket activity (activities/ticket-records.ts) calls
// indexClosedTicket after its write, so no workflow code changes and nothing
// has to poll. That is simpler than a watermark over closed tickets (closing
// times come from the workflows and commit out of order, so a watermark would
// need care not to skip a late commit), and it is safe to repeat: the row is
// keyed by ticket number, rewritten from what the read model says now, and
// the term counts move by the difference only. A retried or reordered
// activity therefore changes nothing twice, and a ticket reopened and closed
// again is indexed with its new resolution. A reopened ticket's old row stays
// until it closes again; the query leaves out tickets that are not closed.
//
// indexClosedTicket takes a lock per ticket (two attempts of one activity
// can overlap) and moves the term counts in one statement in term order
// (+1 and −1 alike, as an upsert: hence no check that counts stay positive),
// so two tickets closing at once cannot deadlock on shared terms.
//
// indexClosedTickets catches up in bulk: every closed ticket not yet indexed,
// then the counts recounted from the rows. The migration runs it once for the
// tickets closed before it; the bench uses it to load many tickets.

import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { ticketsForIndex, type TicketForIndex } from '../../db/similar-tickets';
import { ticketTerms } from './terms';

const BATCH = 1000;

/** Indexes ticket `number` as the read model now has it (or drops it, when it is not a closed real ticket). */
export async function indexClosedTicket(db: Kysely<Database>, number: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`similar-ticket:${number}`}))`.execute(tx);
    const [ticket] = await ticketsForIndex(tx, { numbers: [number] });
    const before = await tx.selectFrom('similar_ticket_terms').select('terms').where('ticket_number', '=', number).executeTakeFirst();
    const after = ticket && indexable(ticket) ? termsOf(ticket) : undefined;
    await moveCounts(tx, before?.terms, after);
    if (after) {
      await tx
        .insertInto('similar_ticket_terms')
        .values({ ticket_number: number, terms: after, term_count: after.length })
        .onConflict((oc) => oc.column('ticket_number').doUpdateSet({ terms: after, term_count: after.length, indexed_at: new Date() }))
        .execute();
    } else if (before) {
      await tx.deleteFrom('similar_ticket_terms').where('ticket_number', '=', number).execute();
    }
  });
}

/** Indexes every closed ticket not yet indexed, then recounts the terms. Returns how many it indexed. */
export async function indexClosedTickets(db: Kysely<Database>): Promise<number> {
  const run = (tx: Kysely<Database>) => catchUp(tx);
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

async function catchUp(tx: Kysely<Database>): Promise<number> {
  // Per-ticket indexing waits meanwhile: the recount below must see every row.
  await sql`lock table similar_ticket_terms, similar_term_counts, similar_totals in exclusive mode`.execute(tx);
  let indexed = 0;
  for (let after = ''; ; ) {
    const tickets = await ticketsForIndex(tx, { closedAfter: after, limit: BATCH });
    if (tickets.length === 0) break;
    after = tickets[tickets.length - 1].number;
    const rows = tickets.filter(indexable).map((t) => ({ ticket_number: t.number, terms: termsOf(t) })).filter((r) => r.terms.length > 0);
    if (rows.length === 0) continue;
    const inserted = await tx
      .insertInto('similar_ticket_terms')
      .values(rows.map((r) => ({ ...r, term_count: r.terms.length })))
      .onConflict((oc) => oc.column('ticket_number').doNothing())
      .returning('ticket_number')
      .execute();
    indexed += inserted.length;
  }
  await recount(tx);
  return indexed;
}

async function recount(tx: Kysely<Database>): Promise<void> {
  await tx.deleteFrom('similar_term_counts').execute();
  await sql`insert into similar_term_counts (term, tickets)
    select term, count(*) from similar_ticket_terms, unnest(terms) as term group by term`.execute(tx);
  await sql`update similar_totals set (tickets, term_count) =
    (select count(*), coalesce(sum(term_count), 0) from similar_ticket_terms) where id = 1`.execute(tx);
}

/** Closed and not spam: a past incident the desk may learn from. */
const indexable = (ticket: TicketForIndex) => ticket.status === 'closed' && !ticket.spam;

const termsOf = (ticket: TicketForIndex) => [...ticketTerms(ticket).keys()];

/** Moves the term counts and totals from a ticket's old terms to its new ones (either may be absent). */
async function moveCounts(tx: Transaction<Database>, before: string[] | undefined, after: string[] | undefined): Promise<void> {
  const deltas = termDeltas(before ?? [], after ?? []);
  if (deltas.length > 0) {
    await tx
      .insertInto('similar_term_counts')
      .values(deltas.map(([term, delta]) => ({ term, tickets: delta })))
      .onConflict((oc) => oc.column('term').doUpdateSet({ tickets: sql`similar_term_counts.tickets + excluded.tickets` }))
      .execute();
    const gone = deltas.filter(([, delta]) => delta < 0).map(([term]) => term);
    if (gone.length > 0) await tx.deleteFrom('similar_term_counts').where('term', 'in', gone).where('tickets', '<=', 0).execute();
  }
  const tickets = (after ? 1 : 0) - (before ? 1 : 0);
  const terms = (after?.length ?? 0) - (before?.length ?? 0);
  if (tickets !== 0 || terms !== 0) {
    await sql`update similar_totals set tickets = tickets + ${tickets}, term_count = term_count + ${terms} where id = 1`.execute(tx);
  }
}

/** +1 for each new term, −1 for each dropped one, in term order (the order rows are locked in). */
function termDeltas(before: string[], after: string[]): [string, number][] {
  const old = new Set(before);
  const now = new Set(after);
  const deltas: [string, number][] = [];
  for (const term of now) if (!old.has(term)) deltas.push([term, 1]);
  for (const term of old) if (!now.has(term)) deltas.push([term, -1]);
  return deltas.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
