import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ClockView } from './sla/clocks';
import type { Channel, SlaStatus, TicketCommand, TicketState } from './ticket-types';

// The ticket workflow's public surface: what the API, the intake and direct
// Temporal integrations send to it. Each agent action is an Update: the caller
// learns at once whether it was accepted. Agent actions are not accepted as
// Signals any more (since the `agent-actions-by-update-only` patch): a signal
// carries no identity the workflow can check, and anyone who can reach
// Temporal could have approved their own memo under another name. The API
// (which checked the caller's token) is the way in.

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

const update = <A extends AgentAction>(action: A) => defineUpdate<TicketView, [ActionArgs<A>]>(action);

// Each by name, so that searching for an action finds its definition.
const assignQueueUpdate = update('assignQueue');
const acknowledgeUpdate = update('acknowledge');
const draftMemoUpdate = update('draftMemo');
const reviewMemoUpdate = update('reviewMemo');
const sendAnswerUpdate = update('sendAnswer');
const logPhoneCallUpdate = update('logPhoneCall');
const changePriorityUpdate = update('changePriority');
const reassignUpdate = update('reassign');
const escalateUpdate = update('escalate');
const closeUpdate = update('close');
const markSpamUpdate = update('markSpam');

const AGENT_ACTION_UPDATES: { [A in AgentAction]: ReturnType<typeof update<A>> } = {
  assignQueue: assignQueueUpdate,
  acknowledge: acknowledgeUpdate,
  draftMemo: draftMemoUpdate,
  reviewMemo: reviewMemoUpdate,
  sendAnswer: sendAnswerUpdate,
  logPhoneCall: logPhoneCallUpdate,
  changePriority: changePriorityUpdate,
  reassign: reassignUpdate,
  escalate: escalateUpdate,
  close: closeUpdate,
  markSpam: markSpamUpdate,
};

/** What each Update does, shown by the Temporal UI and `temporal workflow metadata`. */
export const AGENT_ACTION_DESCRIPTIONS: Record<AgentAction, string> = {
  assignQueue: 'Put the ticket in a queue ({actor, queue})',
  acknowledge: 'Send the receipt notice; the actor becomes the owner ({actor})',
  draftMemo: 'Draft the answer as a memo stored as an article ({actor, articleId})',
  reviewMemo: "Approve or reject someone else's memo ({actor, memoId, decision, comment?})",
  sendAnswer: 'Mail the approved memo to the customer ({actor, memoId})',
  logPhoneCall: 'Record a phone call stored as an article ({actor, direction, articleId})',
  changePriority: 'Change the priority; SLA deadlines are re-planned ({actor, priority})',
  reassign: 'Give the ticket another owner ({actor, owner})',
  escalate: 'Escalate to L2 or L3 with a reason ({actor, level, reason})',
  close: 'Close with a resolution ({actor, resolution})',
  markSpam: 'Close as spam and train the filter ({actor})',
};

export function actionUpdate<A extends AgentAction>(action: A) {
  return AGENT_ACTION_UPDATES[action] as ReturnType<typeof update<A>>;
}

/** Only for replaying histories from before `agent-actions-by-update-only`. */
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
/**
 * The same follow-up, answered with the ticket as it now stands: the API's one
 * round trip. It needs a running worker; the signal does not, and is the API's
 * fallback. Either delivery of one article counts once.
 */
export const customerFollowUpUpdate = defineUpdate<TicketView, [CustomerFollowUp]>('customerFollowUpWithAnswer');

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
