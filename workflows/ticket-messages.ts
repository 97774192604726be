import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ClockView } from './sla/clocks';
import type { Channel, SlaStatus, TicketCommand, TicketState } from './ticket-types';

// The ticket workflow's public surface: what the API, the intake and direct
// Temporal integrations send to it. Each agent action is an Update (the caller
// learns at once whether it was accepted) and, under the same name, a Signal
// (for integrations that cannot wait; a refused signal is recorded as refused).

/** The ticket as callers see it: the workflow's state plus its SLA status. */
export interface TicketView extends TicketState {
  slaStatus: SlaStatus;
  /** The nearest deadline of a running SLA clock (ISO), absent when none runs. */
  nextDueAt?: string;
}

/** Each ticket's workflow id: one workflow per ticket number. */
export const ticketWorkflowId = (number: string) => `ticket-${number}`;

export type AgentCommand = Exclude<TicketCommand, { type: 'customerFollowUp' | 'autoClose' }>;
export type AgentAction = AgentCommand['type'];
export type ActionArgs<A extends AgentAction> = Omit<Extract<AgentCommand, { type: A }>, 'type'>;

export const AGENT_ACTIONS = [
  'assignQueue',
  'acknowledge',
  'draftMemo',
  'reviewMemo',
  'sendAnswer',
  'logPhoneCall',
  'changePriority',
  'reassign',
  'escalate',
  'close',
  'markSpam',
] as const satisfies readonly AgentAction[];

export function actionUpdate<A extends AgentAction>(action: A) {
  return defineUpdate<TicketView, [ActionArgs<A>]>(action);
}

export function actionSignal<A extends AgentAction>(action: A) {
  return defineSignal<[ActionArgs<A>]>(action);
}

export interface CustomerFollowUp {
  /** The follow-up's article, already stored in PostgreSQL. */
  articleId: string;
  channel: Channel;
}

/** Never refused: the intake must always be able to record what the customer said. */
export const customerFollowUpSignal = defineSignal<[CustomerFollowUp]>('customerFollowUp');

export const ticketQuery = defineQuery<TicketView>('ticket');
/**
 * The clocks as of `now` (ISO time). A query sees the workflow's time of its
 * last task, not the wall clock: callers that want the business time left
 * right now pass it (the API does); without it the report is as of that task.
 */
export const slaQuery = defineQuery<SlaReport, [SlaAsOf?]>('sla');
export interface SlaAsOf {
  now?: string;
}

export interface SlaReport {
  /** The time the report is computed for. */
  asOf: string;
  status: SlaStatus;
  priority: string;
  /** The calendar the ticket's deadlines are counted on (its priority's). */
  calendar?: string;
  /** Each clock with its deadline, the business time left (negative: overdue) and its state. */
  clocks: Array<{ clock: string } & ClockView>;
}
