import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { markArticleRefused, moveArticle, storeArticle } from '../db/articles';
import type { Database } from '../db/schema';
import { allocateTicketNumber } from '../db/ticket-numbers';
import { ticketRecordActivities } from '../activities/ticket-records';
import type { SlaPolicy } from '../workflows/sla/policy';
import { Desk as DeskAttribute } from '../workflows/search-attributes';
import type { ticketWorkflow, TicketSettings } from '../workflows/ticket';
import { ticketWorkflowId } from '../workflows/ticket-messages';
import type { NewTicketInit } from '../workflows/ticket-rules';
import type { Channel, Customer, Priority, TicketState } from '../workflows/ticket-types';
import { eagerStartFor } from './eager-start';
import { policyUnderContract } from './desks/contract-sla';
import { singleDesk, type Desks } from './desks/desk';
import { log } from './log';
import { ticketsOpened } from './metrics/desk-metrics';
import { triageOnArrival } from './triage/on-arrival';
import type { TriageRule } from './triage/rule';
import { recordTriage } from './triage/record-triage';
import { triagedTicket } from './triage/triaged-ticket';

export interface NewInquiry {
  customer: Customer;
  subject: string;
  body: string;
  priority: Priority;
  channel: Channel;
  author?: string;
  refersTo?: string;
  /** An article already stored (a follow-up that arrived after the old ticket's reopen window). */
  existingArticleId?: string;
  /** The desk it is for (an id the caller has checked); unset: the default desk. */
  desk?: string;
  /**
   * Records the ticket's parties once its number exists, before its workflow
   * starts (the account's contract sets its SLA targets). A failure is logged:
   * parties that could not be recorded are for an agent to set.
   */
  recordParties?: (number: string) => Promise<void>;
}

export interface TicketStarter {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  settings: TicketSettings;
  /** The installation's SLA policy (SLA_POLICY_FILE or the default), for desks without their own. */
  slaPolicy: SlaPolicy;
  /** The desks (DESKS_FILE); absent: the one desk, under `slaPolicy`. */
  desks?: Desks;
  /** The rules new tickets are triaged by (TRIAGE_RULES_FILE); none: tickets open as they came. */
  triageRules?: readonly TriageRule[];
}

export { ticketWorkflowId };

/**
 * A new inquiry becomes a ticket: a number from the database, the first
 * article stored, then the ticket's workflow started with only the article's id.
 */
// The start and the check after a failed start together fit in the API's 10 s deadline.
const START_MS = 7_000;
const CHECK_MS = 2_000;

export async function openTicket(starter: TicketStarter, inquiry: NewInquiry): Promise<TicketState> {
  const number = await allocateTicketNumber(starter.db);
  if (inquiry.existingArticleId) await moveArticle(starter.db, inquiry.existingArticleId, number);
  const articleId =
    inquiry.existingArticleId ??
    (await storeArticle(starter.db, {
      ticketNumber: number,
      kind: 'inquiry',
      direction: 'inbound',
      channel: inquiry.channel,
      author: inquiry.author,
      subject: inquiry.subject,
      body: inquiry.body,
      fromAddress: inquiry.customer.email,
    }));
  await inquiry.recordParties?.(number).catch((error) => log.error({ err: error, ticket: number }, 'could not record the parties of a new ticket'));
  const { connection } = starter.temporal;
  try {
    return await connection.withDeadline(Date.now() + START_MS, () => launchTicket(starter, articleId, {
      number,
      subject: inquiry.subject,
      customer: inquiry.customer,
      channel: inquiry.channel,
      priority: inquiry.priority,
      createdAt: new Date().toISOString(),
      refersTo: inquiry.refersTo,
    }, { desk: inquiry.desk }));
  } catch (error) {
    // A start that timed out may still have reached the server: only a workflow that is not there is withdrawn.
    if (await connection.withDeadline(Date.now() + CHECK_MS, () => workflowExists(starter, number))) return ticketFromWorkflow(starter, number);
    await withdrawTicket(starter.db, number, articleId, error);
    throw error;
  }
}

async function workflowExists(starter: TicketStarter, number: string): Promise<boolean> {
  try {
    await starter.temporal.workflow.getHandle(ticketWorkflowId(number)).describe();
    return true;
  } catch {
    return false;
  }
}

async function ticketFromWorkflow(starter: TicketStarter, number: string): Promise<TicketState> {
  const row = await starter.db.selectFrom('tickets').select('state').where('number', '=', number).executeTakeFirstOrThrow();
  return row.state;
}

/** What the Temporal UI shows for a ticket from its start: summary in the list, details on its page. */
function ticketStaticDisplay(ticket: TicketState): { staticSummary: string; staticDetails: string } {
  const customer = ticket.customer.name ? `${ticket.customer.name} <${ticket.customer.email}>` : ticket.customer.email;
  return {
    staticSummary: `#${ticket.number} ${ticket.priority} ${ticket.subject}`.slice(0, 400),
    staticDetails: [`**Ticket** #${ticket.number}`, `**Customer** ${customer}`, `**Channel** ${ticket.channel}`, `**Priority** ${ticket.priority}`].join('\n'),
  };
}

/**
 * Triages the new ticket (TRIAGE_RULES_FILE: its queue and priority), writes
 * its read model and starts its workflow, then records what the rules did.
 * Safe to run again for the same number: version 0 never overwrites what the
 * workflow wrote since, a second start finds the first workflow, and the
 * triage lines are written once.
 */
export async function launchTicket(starter: TicketStarter, firstArticleId: string, init: NewTicketInit, opening: { desk?: string } = {}): Promise<TicketState> {
  const triaged = await triageOnArrival(starter.db, starter.triageRules ?? [], init, firstArticleId);
  const opened = triagedTicket(init, triaged);
  const desks = starter.desks ?? singleDesk({}, starter.slaPolicy);
  const desk = desks.of(opening.desk);
  const ticket: TicketState = { ...opened, desk: desk.id, counts: { ...opened.counts, articles: 1 } };
  const slaPolicy = policyUnderContract(desks.policyOf(desk), await contractSlaOf(starter.db, ticket.number, triaged?.account ?? undefined));
  // The read model exists before the workflow runs, so the ticket can be found at once.
  await ticketRecordActivities(starter.db).recordTicket({ ...ticket, slaStatus: 'on_track' }, 0);
  try {
    await starter.temporal.workflow.start<typeof ticketWorkflow>('ticketWorkflow', {
      workflowId: ticketWorkflowId(ticket.number),
      taskQueue: starter.taskQueue,
      args: [{ ticket, settings: starter.settings, slaPolicy, firstArticleId }],
      // Set once here: a ticket's desk never changes, and the workflow's own upserts leave it alone.
      typedSearchAttributes: [{ key: DeskAttribute, value: desk.id }],
      // The Temporal UI's workflow list then reads like a ticket list; the workflow keeps its current details itself.
      ...ticketStaticDisplay(ticket),
      ...eagerStartFor(starter.temporal),
    });
    // Here only: a repeated launch that finds the workflow started is the same ticket.
    ticketsOpened.inc({ channel: ticket.channel });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  // After the start: only a ticket that exists gets history lines.
  if (triaged) await recordTriage(starter.db, ticket.number, triaged, init.createdAt);
  return ticket;
}

/**
 * The SLA targets of the contract of the ticket's account (none: the desk's):
 * the account a triage rule sets (recordTriage writes it onto the parties just
 * after the start), else the one its parties record.
 */
async function contractSlaOf(db: Kysely<Database>, number: string, triagedAccount: string | undefined): Promise<unknown> {
  const row = triagedAccount
    ? await db.selectFrom('accounts').select('contract').where('id', '=', triagedAccount).executeTakeFirst()
    : await db
        .selectFrom('ticket_parties')
        .innerJoin('accounts', 'accounts.id', 'ticket_parties.account_id')
        .select('accounts.contract')
        .where('ticket_parties.ticket_number', '=', number)
        .executeTakeFirst();
  return row?.contract.slaOverrides;
}

/**
 * No workflow, no ticket: the read model row goes (its number stays unused),
 * and the inquiry's text stays on record, saying why it has no ticket.
 */
async function withdrawTicket(db: Kysely<Database>, number: string, articleId: string, error: unknown): Promise<void> {
  const reason = `the ticket could not be opened: ${error instanceof Error ? error.message : String(error)}`;
  await db.deleteFrom('tickets').where('number', '=', number).where('version', '=', 0).execute().catch(() => {});
  await markArticleRefused(db, articleId, reason).catch(() => {});
}
