import type { Kysely } from 'kysely';
import { markArticleRefused } from '../db/articles';
import type { Database } from '../db/schema';
import { indexClosedTicket } from '../lib/similar/indexing';
import type { TicketView } from '../workflows/ticket-messages';

export interface TicketEvent {
  /** `<number>:<sequence>`: the same line is written once however often the activity is retried. */
  key: string;
  number: string;
  kind: string;
  actor?: string;
  detail: Record<string, unknown>;
  at: string;
}

/** The read model and the ticket's history, written from the workflow. */
export function ticketRecordActivities(db: Kysely<Database>) {
  return {
    async recordTicket(view: TicketView, version: number): Promise<void> {
      const row = {
        number: view.number,
        subject: view.subject,
        customer_email: view.customer.email,
        customer_name: view.customer.name ?? null,
        channel: view.channel,
        status: view.status,
        queue: view.queue,
        owner: view.owner,
        priority: view.priority,
        support_level: view.supportLevel,
        sla_status: view.slaStatus,
        resolution: view.resolution ?? null,
        refers_to: view.refersTo ?? null,
        spam: view.spam,
        version,
        state: JSON.stringify(view),
        created_at: view.createdAt,
        updated_at: view.updatedAt,
        closed_at: view.closedAt ?? null,
        next_due_at: view.nextDueAt ?? null,
      };
      const { number, created_at, ...changes } = row;
      await db
        .insertInto('tickets')
        .values(row)
        .onConflict((oc) => oc.column('number').doUpdateSet(changes).where('tickets.version', '<', version))
        .execute();
      // Closed: offered from now on as a similar past ticket (idempotent: indexes what the read model now says).
      if (view.status === 'closed') await indexClosedTicket(db, view.number);
    },

    async recordTicketEvent(event: TicketEvent): Promise<void> {
      await db
        .insertInto('ticket_events')
        .values({
          ticket_number: event.number,
          event_key: event.key,
          kind: event.kind,
          actor: event.actor ?? null,
          detail: JSON.stringify(event.detail),
          at: event.at,
        })
        .onConflict((oc) => oc.column('event_key').doNothing())
        .execute();
    },

    /** An article written for an action the ticket refused keeps its text, marked with the reason. */
    async markArticleRefused(articleId: string, reason: string): Promise<void> {
      await markArticleRefused(db, articleId, reason);
    },
  };
}

