import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** A ticket's history lines in order: what happened, refused actions included. */
export function ticketEventsOf(db: Kysely<Database>, number: string) {
  return db.selectFrom('ticket_events').select(['id', 'kind', 'actor', 'detail', 'at']).where('ticket_number', '=', number).orderBy('at').orderBy('id').execute();
}

/** The desk's mails for a ticket as they went out: recipients, charset, state. */
export function outboundMailOf(db: Kysely<Database>, number: string) {
  return db
    .selectFrom('outbound_mail')
    .select(['article_id', 'state', 'envelope_to', 'charset', 'last_error', 'created_at'])
    .where('ticket_number', '=', number)
    .execute();
}
