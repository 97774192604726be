import { Context } from '@temporalio/activity';
import { sql, type Kysely } from 'kysely';
import { markArticleRefused } from '../db/articles';
import type { Database } from '../db/schema';
import { indexClosedTicket } from '../lib/similar/indexing';
import { failureKindOf } from '../worker/failure-kinds';
import { UNKNOWN_FAILURE_ATTEMPTS } from '../workflows/activity-contracts';
import type { SlaEventRecord } from '../workflows/ticket-effects';
import type { TicketView } from '../workflows/ticket-messages';
import { countSlaAlarm, insertSlaEvent, type SlaEventRow } from './sla-records';

export interface TicketEvent {
  /** `<number>:<sequence>`: the same line is written once however often the activity is retried. */
  key: string;
  number: string;
  kind: string;
  actor?: string;
  detail: Record<string, unknown>;
  at: string;
}

/** One record of a batch; `key` (`<number>:<sequence>`) makes it once-only, and names the line noting its failure. */
export type TicketRecord =
  | { kind: 'event'; key: string; event: { kind: string; actor?: string; detail: Record<string, unknown> }; at: string }
  | { kind: 'articleRefused'; key: string; articleId: string; reason: string }
  | { kind: 'slaEvent'; key: string; event: SlaEventRecord };

/** What one carried-out batch of a ticket's changes records, written in one transaction. */
export interface TicketRecordBatch {
  number: string;
  /** The read model at `version`, written first; `key` names the line noting that it could not be. */
  ticket?: { view: TicketView; version: number; key: string };
  records: TicketRecord[];
  at: string;
}

/** The records that could not be written for good, each noted on the ticket's history instead (`record_failed`). */
export interface RecordBatchOutcome {
  failed: Array<{ what: string; reason: string }>;
}

/** The activity each kind of record had before batches: a noted failure names it, as it did. */
const WRITER: Record<TicketRecord['kind'] | 'ticket', string> = {
  ticket: 'recordTicket',
  event: 'recordTicketEvent',
  articleRefused: 'markArticleRefused',
  slaEvent: 'recordSlaEvent',
};

function rowOf(view: TicketView, version: number) {
  return {
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
}

/**
 * Writes the read model unless it holds a newer version; answers whether the similar-tickets
 * index must see the ticket: it became closed just now, or it is closed and was not indexed
 * since it closed (a write that committed before its attempt could index it).
 */
async function writeTicket(db: Kysely<Database>, view: TicketView, version: number): Promise<boolean> {
  const row = rowOf(view, version);
  const { number, created_at, ...changes } = row;
  // The status before, read in the same statement (a CTE sees the row as it was).
  const written = await db
    .with('before', (qb) => qb.selectFrom('tickets').select('status').where('number', '=', number))
    .insertInto('tickets')
    .values(row)
    .onConflict((oc) => oc.column('number').doUpdateSet(changes).where('tickets.version', '<', version))
    .returning(sql<string | null>`(select status from before)`.as('before'))
    .executeTakeFirst();
  if (view.status !== 'closed') return false;
  if (written && written.before !== 'closed') return true;
  const indexed = await db
    .selectFrom('similar_ticket_terms')
    .innerJoin('tickets', 'tickets.number', 'similar_ticket_terms.ticket_number')
    .select('similar_ticket_terms.ticket_number')
    .where('similar_ticket_terms.ticket_number', '=', number)
    .where((eb) => eb('similar_ticket_terms.indexed_at', '>=', eb.ref('tickets.closed_at')))
    .executeTakeFirst();
  return !indexed;
}

async function insertTicketEvent(db: Kysely<Database>, event: TicketEvent): Promise<void> {
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
}

/** The attempt of the activity running this (1 outside one). */
function attempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/** The read model and the ticket's history, written from the workflow. */
export function ticketRecordActivities(db: Kysely<Database>) {
  return {
    async recordTicket(view: TicketView, version: number): Promise<void> {
      // Closed: offered from now on as a similar past ticket (idempotent: indexes what the read model now says).
      if (await writeTicket(db, view, version)) await indexClosedTicket(db, view.number);
    },

    async recordTicketEvent(event: TicketEvent): Promise<void> {
      await insertTicketEvent(db, event);
    },

    /** An article written for an action the ticket refused keeps its text, marked with the reason. */
    async markArticleRefused(articleId: string, reason: string): Promise<void> {
      await markArticleRefused(db, articleId, reason);
    },

    /**
     * The record lane of one batch (patch `record-batch-local`, a local activity): the read model,
     * history lines, refused articles' marks and SLA verdicts in one transaction, each once per key
     * however often retried. A record PostgreSQL refuses for good (worker/failure-kinds.ts: a data
     * error, or an unknown one on the last attempt) is left out and noted on the ticket's history
     * in the same transaction, as `record_failed` with what and why; the others are written.
     * Outages fail the whole attempt, which is retried: nothing was committed.
     */
    async recordTicketBatch(batch: TicketRecordBatch): Promise<RecordBatchOutcome> {
      const hopeless = (error: unknown) => {
        const kind = failureKindOf(error);
        return kind === 'data' || (kind === 'unknown' && attempt() >= UNKNOWN_FAILURE_ATTEMPTS);
      };
      const why = (error: unknown) => (failureKindOf(error) === 'data' ? 'its input was refused' : `it failed ${attempt()} times`);
      let failed: Array<{ what: string; reason: string; key: string }> = [];
      let alarms: Array<{ row: SlaEventRow; inserted: { level: string | null } }> = [];
      let index = false;

      // Fast: every record in one go. Only when PostgreSQL refuses one, again, each in a savepoint.
      const write = (careful: boolean) =>
        db.transaction().execute(async (tx) => {
          failed = [];
          alarms = [];
          index = false;
          const step = async (what: string, writer: string, key: string, run: () => Promise<void>) => {
            if (!careful) return run();
            await sql`savepoint record`.execute(tx);
            try {
              await run();
              await sql`release savepoint record`.execute(tx);
            } catch (error) {
              if (!hopeless(error)) throw error;
              await sql`rollback to savepoint record`.execute(tx);
              const message = error instanceof Error ? error.message : String(error);
              failed.push({ what, key, reason: `${writer}: ${why(error)}: ${message}`.slice(0, 1000) });
            }
          };
          const { ticket } = batch;
          if (ticket) await step('the ticket record', WRITER.ticket, ticket.key, async () => void (index = await writeTicket(tx, ticket.view, ticket.version)));
          for (const record of batch.records) {
            await step(`effect ${record.kind}`, WRITER[record.kind], record.key, async () => {
              switch (record.kind) {
                case 'event':
                  return insertTicketEvent(tx, { ...record.event, key: record.key, number: batch.number, at: record.at });
                case 'articleRefused':
                  return markArticleRefused(tx, record.articleId, record.reason);
                case 'slaEvent': {
                  const row = { ...record.event, key: record.key, number: batch.number };
                  const inserted = await insertSlaEvent(tx, row);
                  if (inserted) alarms.push({ row, inserted });
                }
              }
            });
          }
          for (const { what, reason, key } of failed) {
            await insertTicketEvent(tx, { kind: 'record_failed', detail: { what, reason }, key: `${key}:failed`, number: batch.number, at: batch.at });
          }
        });

      try {
        await write(false);
      } catch (error) {
        if (!hopeless(error)) throw error;
        await write(true);
      }
      // Counted once, after the commit: a retry meets the rows of the first time and inserts nothing.
      for (const { row, inserted } of alarms) countSlaAlarm(row, inserted);
      for (const { what, reason } of failed) Context.current().log.error(`ticket ${batch.number}: ${what} could not be recorded: ${reason}`);
      // Closed: offered from now on as a similar past ticket (its own transaction, after the read model's).
      if (index) await indexClosedTicket(db, batch.number);
      return { failed: failed.map(({ what, reason }) => ({ what, reason })) };
    },
  };
}
