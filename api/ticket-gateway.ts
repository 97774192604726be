import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { ticketWorkflowId } from '../lib/open-ticket';
import {
  actionUpdate,
  customerFollowUpSignal,
  slaQuery,
  ticketQuery,
  type ActionArgs,
  type AgentAction,
  type CustomerFollowUp,
  type SlaReport,
  type TicketView,
} from '../workflows/ticket-messages';
import { notFound, Problem, refused, unavailable } from './problem';
import { isDatabaseDown, problemFromTemporal, TEMPORAL_CALL_MS, WorkflowCannotAnswer } from './temporal-errors';

/**
 * The API's way to a ticket's workflow: every call has a deadline, and every
 * failure becomes a problem the caller can act on.
 */
export class TicketGateway {
  constructor(
    private readonly temporal: Client,
    private readonly db: Kysely<Database>,
  ) {}

  handle(number: string): WorkflowHandle {
    return this.temporal.workflow.getHandle(ticketWorkflowId(number));
  }

  async act<A extends AgentAction>(number: string, action: A, args: ActionArgs<A>): Promise<TicketView> {
    try {
      return await this.call(number, () => this.handle(number).executeUpdate(actionUpdate(action), { args: [args] }));
    } catch (error) {
      if (!(error instanceof Problem) || error.status !== 404) throw error;
      // The workflow ends once a closed ticket's reopen window has passed; the ticket itself remains.
      const stored = await this.storedView(number);
      throw refused(`ticket ${number} is ${stored.status} (resolution: ${stored.resolution ?? 'none'}) and its reopen window has passed`);
    }
  }

  /** Opens a ticket within the API's deadline: Temporal or PostgreSQL being down answers 503, never a hang. */
  async open<T>(opening: () => Promise<T>): Promise<T> {
    try {
      return await this.temporal.connection.withDeadline(Date.now() + TEMPORAL_CALL_MS, opening);
    } catch (error) {
      if (isDatabaseDown(error)) throw unavailable('the database cannot be reached');
      throw problemFromTemporal(error) ?? error;
    }
  }

  /** The ticket from its workflow; once the workflow is gone (closed long ago), from the read model. */
  async view(number: string): Promise<TicketView> {
    try {
      return await this.call(number, () => this.handle(number).query(ticketQuery));
    } catch (error) {
      // Ended long ago (404), or its workflow cannot answer right now: the read model still knows the ticket.
      if (!(error instanceof Problem) || (error.status !== 404 && !(error instanceof WorkflowCannotAnswer))) throw error;
      return this.storedView(number);
    }
  }

  async sla(number: string): Promise<SlaReport> {
    return this.call(number, () => this.handle(number).query(slaQuery, { now: new Date().toISOString() }));
  }

  /**
   * Signals a follow-up (Temporal keeps it even while no worker runs), then
   * waits briefly until the ticket shows it, so the answer is current. When the
   * workflow cannot answer in time, the ticket as last recorded is the answer:
   * the follow-up is safe in Temporal either way.
   */
  async followUp(number: string, followUp: CustomerFollowUp, before: TicketView): Promise<{ ticket: TicketView; current: boolean } | 'workflow-gone'> {
    try {
      await this.call(number, () => this.handle(number).signal(customerFollowUpSignal, followUp));
    } catch (error) {
      if (error instanceof Problem && error.status === 404) return 'workflow-gone';
      throw error;
    }
    const until = Date.now() + 5000;
    try {
      for (;;) {
        const now = await this.call(number, () => this.handle(number).query(ticketQuery));
        if (now.counts.followUps > before.counts.followUps || Date.now() > until) return { ticket: now, current: true };
        await new Promise((r) => setTimeout(r, 50));
      }
    } catch (error) {
      if (error instanceof Problem && error.status === 503) return { ticket: before, current: false };
      throw error;
    }
  }

  async storedView(number: string): Promise<TicketView> {
    const row = await this.db
      .selectFrom('tickets')
      .select('state')
      .where('number', '=', number)
      .executeTakeFirst()
      .catch(rethrowDatabase);
    if (!row) throw notFound(`ticket ${number} not found`);
    return row.state;
  }

  private async call<T>(number: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.temporal.connection.withDeadline(Date.now() + TEMPORAL_CALL_MS, fn);
    } catch (error) {
      throw problemFromTemporal(error, number) ?? error;
    }
  }
}

export function rethrowDatabase(error: unknown): never {
  if (isDatabaseDown(error)) throw unavailable('the database cannot be reached');
  throw error;
}
