import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { ticketWorkflowId } from '../lib/open-ticket';
import {
  actionUpdate,
  customerFollowUpSignal,
  customerFollowUpUpdate,
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

/** How long a follow-up waits for a worker's answer before it is signalled instead (the answer is then as last recorded). */
const FOLLOW_UP_ANSWER_MS = 5000;

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

  /** `updateId`: the same id twice is one change, its first answer given again (Temporal keeps it for the run). */
  async act<A extends AgentAction>(number: string, action: A, args: ActionArgs<A>, updateId?: string): Promise<TicketView> {
    try {
      return await this.call(number, () => this.handle(number).executeUpdate(actionUpdate(action), { args: [args], ...(updateId ? { updateId } : {}) }));
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
   * Adds a follow-up in one round trip: an update that answers the ticket as
   * it now stands. When no worker answers in time (or one from before the
   * update existed refuses it), the follow-up is signalled instead, which
   * Temporal keeps until a worker runs, and the answer is the ticket as last
   * recorded. The workflow counts one article once, however it arrives.
   */
  async followUp(number: string, followUp: CustomerFollowUp, before: TicketView): Promise<{ ticket: TicketView; current: boolean } | 'workflow-gone'> {
    try {
      const ticket = await this.call(number, () => this.handle(number).executeUpdate(customerFollowUpUpdate, { args: [followUp] }), FOLLOW_UP_ANSWER_MS);
      return { ticket, current: true };
    } catch (error) {
      if (error instanceof Problem && error.status === 404) return 'workflow-gone';
    }
    try {
      await this.call(number, () => this.handle(number).signal(customerFollowUpSignal, followUp));
    } catch (error) {
      if (error instanceof Problem && error.status === 404) return 'workflow-gone';
      throw error;
    }
    return { ticket: before, current: false };
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

  private async call<T>(number: string, fn: () => Promise<T>, withinMs = TEMPORAL_CALL_MS): Promise<T> {
    try {
      return await this.temporal.connection.withDeadline(Date.now() + withinMs, fn);
    } catch (error) {
      throw problemFromTemporal(error, number) ?? error;
    }
  }
}

export function rethrowDatabase(error: unknown): never {
  if (isDatabaseDown(error)) throw unavailable('the database cannot be reached');
  throw error;
}
