// The desk a ticket's mail speaks for (its From, list, sender name, signature
// and templates), read from the ticket's read model: the workflow carries only
// the desk's id, in the ticket's state.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Desk, Desks } from '../lib/desks/desk';

export type TicketDeskOf = (ticketNumber: string) => Promise<Desk>;

export function ticketDeskOf(db: Kysely<Database>, desks: Desks): TicketDeskOf {
  return async (ticketNumber) => {
    if (desks.all.length === 1) return desks.default;
    const row = await db.selectFrom('tickets').select('desk').where('number', '=', ticketNumber).executeTakeFirst();
    return desks.of(row?.desk);
  };
}

/** An answer as mailed: the agent's text, then the desk's signature after the usual `-- ` line. */
export function signed(body: string, desk: Desk): string {
  return desk.signature ? `${body.replace(/\s+$/, '')}\n\n-- \n${desk.signature}\n` : body;
}
