// The ticket lifecycle's rules: which command is allowed in which status, and what it changes.
// Pure and deterministic (bundled into the workflow sandbox): time comes in as `now`, and the
// input state is never mutated — every accepted command returns a new state object.
//
// The desk's way of working (OTRS maintenance-support desk):
//   new inquiry → new; put in a queue → open; receipt notice (acknowledge) → in_progress, the sender owns it;
//   owner drafts a memo → in_review; a second person approves → approved (or rejects → in_progress);
//   owner sends the approved answer → waiting_customer; the customer accepts → owner closes.
//
// Every refusal reads `cannot <what>: <why> (ticket is <status>)`, so an agent sees both the
// problem and where the ticket stands.

import { reopenWindowOver } from './reopen-window';
import { stringProblem } from './text-rules';
import {
  DEFAULT_QUEUE,
  SUPPORT_LEVELS,
  type Actor,
  type Decision,
  type DecisionNote,
  type Memo,
  type TicketCommand,
  type TicketCommandType,
  type TicketState,
} from './ticket-types';

/** A closed ticket reopens on a customer follow-up within this time of closing. */
export const DEFAULT_REOPEN_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;

export interface RuleSettings {
  reopenWindowMs: number;
}

export interface NewTicketInit {
  number: string;
  subject: string;
  customer: TicketState['customer'];
  channel: TicketState['channel'];
  priority: TicketState['priority'];
  createdAt: string;
  refersTo?: string;
  suspect?: { score: number };
}

export function newTicketState(init: NewTicketInit): TicketState {
  const { refersTo, suspect, ...fields } = init;
  return {
    ...fields,
    customer: { ...init.customer },
    status: 'new',
    queue: null,
    owner: null,
    supportLevel: 'L1',
    updatedAt: init.createdAt,
    spam: false,
    memos: [],
    counts: { followUps: 0, phoneCalls: 0, articles: 0, refused: 0 },
    // Only present when given, so states compare and serialise cleanly.
    ...(refersTo === undefined ? {} : { refersTo }),
    ...(suspect === undefined ? {} : { suspect: { ...suspect } }),
  };
}

export function decide(
  state: TicketState,
  command: TicketCommand,
  now: string,
  settings: RuleSettings = { reopenWindowMs: DEFAULT_REOPEN_WINDOW_MS },
): Decision {
  // A closed ticket only listens to its customer (who may reopen it); everything else is refused.
  if (state.status === 'closed' && command.type !== 'customerFollowUp') {
    return refuse(
      state,
      actionName(command),
      // Not the resolution: refusals reach callers (integrators) who may not read the ticket.
      'closed tickets only take customer follow-ups',
    );
  }
  // Whoever reached the workflow (not only through the API), a text the ticket cannot keep is refused here.
  const unkeepable = textProblemIn(command);
  if (unkeepable) return refuse(state, command.type, unkeepable);
  switch (command.type) {
    case 'assignQueue':
      return assignQueue(state, command, now);
    case 'acknowledge':
      return acknowledge(state, command, now);
    case 'draftMemo':
      return draftMemo(state, command, now);
    case 'reviewMemo':
      return reviewMemo(state, command, now);
    case 'sendAnswer':
      return sendAnswer(state, command, now);
    case 'customerFollowUp':
      return customerFollowUp(state, now, settings);
    case 'logPhoneCall':
      return logPhoneCall(state, command, now);
    case 'changePriority':
      return changePriority(state, command, now);
    case 'reassign':
      return reassign(state, command, now);
    case 'escalate':
      return escalate(state, command, now);
    case 'close':
      return close(state, command, now);
    case 'markSpam':
      return markSpam(state, now);
    case 'autoClose':
      return autoClose(state, command, now);
  }
}

// ---- the commands -------------------------------------------------------------------------

type CommandOf<T extends TicketCommandType> = Extract<TicketCommand, { type: T }>;

function assignQueue(state: TicketState, command: CommandOf<'assignQueue'>, now: string): Decision {
  const what = `assign queue ${command.queue}`;
  if (command.queue.trim() === '') return refuse(state, 'assign queue', 'the queue name is empty');
  if (state.status === 'new') return accept(state, now, { status: 'open', queue: command.queue });
  // Past `new`, a queue change only moves the ticket; its progress stays where it is.
  if (state.queue === command.queue) return refuse(state, what, `it is already in queue ${command.queue}`);
  return accept(state, now, { queue: command.queue });
}

/** The receipt notice to the customer: the first response, and it makes the sender the owner. */
function acknowledge(state: TicketState, command: CommandOf<'acknowledge'>, now: string): Decision {
  if (state.status !== 'new' && state.status !== 'open') {
    // One receipt notice per inquiry; anything said to the customer after that goes out as a reviewed memo.
    const when = state.acknowledgedAt ? ` at ${state.acknowledgedAt}` : '';
    return refuse(
      state,
      'acknowledge',
      `the receipt notice was already sent${when}; further messages to the customer go out as reviewed memos`,
    );
  }
  // A manager may have assigned an owner before acknowledgement: then that owner sends the notice.
  if (state.owner !== null && state.owner !== command.actor.user && command.actor.role !== 'manager') {
    return refuse(state, 'acknowledge', `the ticket is assigned to ${state.owner}`);
  }
  return accept(state, now, {
    status: 'in_progress',
    owner: state.owner ?? command.actor.user,
    queue: state.queue ?? DEFAULT_QUEUE,
    acknowledgedAt: now,
    counts: bump(state, { articles: articlesIn(command) }),
  });
}

function draftMemo(state: TicketState, command: CommandOf<'draftMemo'>, now: string): Decision {
  const what = `draft memo ${command.articleId}`;
  if (state.status !== 'in_progress') return refuse(state, what, whyNoDraft(state));
  if (!isOwnerOrManager(state, command.actor)) {
    return refuse(state, what, `only the owner (${state.owner}) or a manager may draft the answer`);
  }
  if (findMemo(state, command.articleId)) return refuse(state, what, `memo ${command.articleId} already exists`);
  const memo: Memo = { id: command.articleId, author: command.actor.user, status: 'in_review', createdAt: now };
  return accept(state, now, {
    status: 'in_review',
    memos: [...state.memos, memo],
    counts: bump(state, { articles: 1 }),
  });
}

function whyNoDraft(state: TicketState): string {
  switch (state.status) {
    case 'new':
    case 'open':
      return 'the receipt notice has not been sent yet; acknowledge first';
    case 'in_review':
      return `memo ${memoIn(state, 'in_review')} is still in review; one memo in review at a time`;
    case 'approved':
      return `memo ${memoIn(state, 'approved')} is approved and waiting to be sent`;
    default:
      return 'answers are drafted while the ticket is in progress';
  }
}

function reviewMemo(state: TicketState, command: CommandOf<'reviewMemo'>, now: string): Decision {
  const what = `${command.decision} memo ${command.memoId}`;
  // The API checks roles too; this is defence in depth for the four-eyes rule.
  if (command.actor.role !== 'reviewer' && command.actor.role !== 'manager') {
    return refuse(state, what, `only a reviewer or a manager may review (${command.actor.user} is ${command.actor.role})`);
  }
  const memo = findMemo(state, command.memoId);
  if (!memo) return refuse(state, what, `there is no memo ${command.memoId}`);
  if (memo.status !== 'in_review') return refuse(state, what, `it is ${memo.status}, not in review`);
  if (memo.author === command.actor.user) {
    return refuse(state, what, `${command.actor.user} wrote it; a memo is reviewed by someone other than its author`);
  }
  const comment = command.comment?.trim();
  if (command.decision === 'reject' && !comment) {
    return refuse(state, what, 'a rejection needs a comment telling the author what to change');
  }
  const reviewed: Memo = {
    ...memo,
    status: command.decision === 'approve' ? 'approved' : 'rejected',
    reviewer: command.actor.user,
    reviewedAt: now,
    ...(comment ? { reviewComment: comment } : {}),
  };
  return accept(state, now, {
    status: command.decision === 'approve' ? 'approved' : 'in_progress',
    memos: replaceMemo(state, reviewed),
  });
}

function sendAnswer(state: TicketState, command: CommandOf<'sendAnswer'>, now: string): Decision {
  const what = `send memo ${command.memoId}`;
  if (!isOwnerOrManager(state, command.actor)) {
    return refuse(state, what, `only the owner (${state.owner ?? 'nobody yet'}) or a manager may send the answer`);
  }
  const memo = findMemo(state, command.memoId);
  if (!memo) return refuse(state, what, `there is no memo ${command.memoId}`);
  if (memo.status !== 'approved') return refuse(state, what, `it is ${memo.status}, not approved`);
  // An approved memo left over from before a reopen is stale: the ticket must be waiting to send.
  if (state.status !== 'approved') return refuse(state, what, 'the ticket has no answer waiting to be sent');
  return accept(state, now, {
    status: 'waiting_customer',
    memos: replaceMemo(state, { ...memo, status: 'sent', sentAt: now }),
    counts: bump(state, { articles: articlesIn(command) }),
  });
}

/** The customer wrote again. Never refused: a customer's mail is always recorded somewhere. */
function customerFollowUp(state: TicketState, now: string, settings: RuleSettings): Decision {
  if (state.status !== 'closed') {
    // new/open: nobody has answered yet; in_progress/in_review/approved: the desk is already on it.
    const status = state.status === 'waiting_customer' ? 'in_progress' : state.status;
    return accept(state, now, { status, counts: bump(state, { followUps: 1, articles: 1 }) });
  }
  if (!withinReopenWindow(state, now, settings)) {
    // Too late to reopen: the mail starts a new ticket (refersTo this one) and its article lives there,
    // so this ticket only counts that the customer wrote again.
    return accept(state, now, { counts: bump(state, { followUps: 1 }) }, 'followUpAfterReopenWindow');
  }
  const { closedAt: _closedAt, resolution: _resolution, ...open } = state;
  const reopened: TicketState = {
    ...open,
    // The owner picks it up again; an ownerless ticket (spam from `new`) goes back to the queue.
    status: state.owner !== null ? 'in_progress' : state.queue !== null ? 'open' : 'new',
    // A reply to a ticket closed as spam means it was a real customer after all.
    spam: false,
    counts: bump(state, { followUps: 1, articles: 1 }),
  };
  return accept(reopened, now, {}, 'reopened');
}

function withinReopenWindow(state: TicketState, now: string, settings: RuleSettings): boolean {
  return !reopenWindowOver(state.closedAt, Date.parse(now), settings.reopenWindowMs);
}

function logPhoneCall(state: TicketState, command: CommandOf<'logPhoneCall'>, now: string): Decision {
  // A customer calling back after our answer is a follow-up by phone: the desk is on it again.
  const status = command.direction === 'inbound' && state.status === 'waiting_customer' ? 'in_progress' : state.status;
  return accept(state, now, { status, counts: bump(state, { phoneCalls: 1, articles: 1 }) });
}

function changePriority(state: TicketState, command: CommandOf<'changePriority'>, now: string): Decision {
  const what = `change priority to ${command.priority}`;
  if (state.priority === command.priority) return refuse(state, what, `the priority is already ${command.priority}`);
  return accept(state, now, { priority: command.priority });
}

/** A manager assigns anyone; an owner may hand their own ticket over. */
function reassign(state: TicketState, command: CommandOf<'reassign'>, now: string): Decision {
  const what = `reassign to ${command.owner}`;
  if (command.owner.trim() === '') return refuse(state, 'reassign', 'the new owner is empty');
  if (state.owner === command.owner) return refuse(state, what, `${command.owner} already owns it`);
  if (!isOwnerOrManager(state, command.actor)) {
    return refuse(state, what, `only the owner (${state.owner ?? 'nobody yet'}) or a manager may reassign`);
  }
  return accept(state, now, { owner: command.owner });
}

/**
 * Raise the support level. The owner (who knows the case) or a manager may escalate;
 * others ask them, so a ticket does not change hands behind its owner's back.
 */
function escalate(state: TicketState, command: CommandOf<'escalate'>, now: string): Decision {
  const what = `escalate to ${command.level}`;
  if (command.reason.trim() === '') return refuse(state, what, 'an escalation needs a reason');
  if (levelRank(command.level) <= levelRank(state.supportLevel)) {
    const top = state.supportLevel === SUPPORT_LEVELS[SUPPORT_LEVELS.length - 1];
    const why = top
      ? `it is already at the top level ${state.supportLevel}`
      : `${command.level} is not above the current level ${state.supportLevel}`;
    return refuse(state, what, why);
  }
  if (!isOwnerOrManager(state, command.actor)) {
    return refuse(state, what, `only the owner (${state.owner ?? 'nobody yet'}) or a manager may escalate`);
  }
  return accept(state, now, { supportLevel: command.level });
}

/**
 * Close with a resolution. Normally the owner closes after the customer accepted the answer
 * (waiting_customer), but any open status is allowed: the customer may withdraw the question at any time.
 * Who: the owner or a manager — so a ticket nobody owns yet (new/open, e.g. a duplicate inquiry) can
 * only be closed by a manager. Refused while a memo is in review: it would be left dangling; review it first.
 */
function close(state: TicketState, command: CommandOf<'close'>, now: string): Decision {
  const resolution = command.resolution.trim();
  if (resolution === '') return refuse(state, 'close', 'a resolution is required');
  if (!isOwnerOrManager(state, command.actor)) {
    return refuse(state, 'close', `only the owner (${state.owner ?? 'nobody yet'}) or a manager may close`);
  }
  if (state.status === 'in_review') {
    return refuse(state, 'close', `memo ${memoIn(state, 'in_review')} is in review; approve or reject it first`);
  }
  return accept(state, now, { status: 'closed', closedAt: now, resolution });
}

function markSpam(state: TicketState, now: string): Decision {
  return accept(state, now, { status: 'closed', closedAt: now, resolution: 'spam', spam: true });
}

/** The workflow's timer: the customer did not reply to our answer in time. */
function autoClose(state: TicketState, command: CommandOf<'autoClose'>, now: string): Decision {
  if (state.status !== 'waiting_customer') {
    return refuse(state, 'auto-close', 'only a ticket waiting for the customer closes for lack of response');
  }
  return accept(state, now, { status: 'closed', closedAt: now, resolution: command.resolution });
}

// ---- helpers ------------------------------------------------------------------------------

function accept(state: TicketState, now: string, changes: Partial<TicketState>, note?: DecisionNote): Decision {
  const next: TicketState = { ...state, ...changes, updatedAt: now };
  return note ? { ok: true, state: next, note } : { ok: true, state: next };
}

/** The first string in a command that the desk could not store, named by its field (never quoted). */
function textProblemIn(value: unknown, field = 'command'): string | undefined {
  if (typeof value === 'string') {
    const problem = stringProblem(value, true);
    return problem && `${field} ${problem}`;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const problem = textProblemIn(inner, field === 'command' ? key : `${field}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}

function refuse(state: TicketState, what: string, why: string): Decision {
  return { ok: false, reason: `cannot ${what}: ${why} (ticket is ${state.status})` };
}

function actionName(command: TicketCommand): string {
  switch (command.type) {
    case 'assignQueue':
      return `assign queue ${command.queue}`;
    case 'acknowledge':
      return 'acknowledge';
    case 'draftMemo':
      return `draft memo ${command.articleId}`;
    case 'reviewMemo':
      return `${command.decision} memo ${command.memoId}`;
    case 'sendAnswer':
      return `send memo ${command.memoId}`;
    case 'customerFollowUp':
      return 'record follow-up';
    case 'logPhoneCall':
      return `log ${command.direction} phone call`;
    case 'changePriority':
      return `change priority to ${command.priority}`;
    case 'reassign':
      return `reassign to ${command.owner}`;
    case 'escalate':
      return `escalate to ${command.level}`;
    case 'close':
      return 'close';
    case 'markSpam':
      return 'mark as spam';
    case 'autoClose':
      return 'auto-close';
  }
}

function isOwnerOrManager(state: TicketState, actor: Actor): boolean {
  return actor.role === 'manager' || (state.owner !== null && state.owner === actor.user);
}

function findMemo(state: TicketState, id: string): Memo | undefined {
  return state.memos.find((memo) => memo.id === id);
}

function memoIn(state: TicketState, status: Memo['status']): string {
  return state.memos.find((memo) => memo.status === status)?.id ?? '?';
}

function replaceMemo(state: TicketState, memo: Memo): Memo[] {
  return state.memos.map((m) => (m.id === memo.id ? memo : m));
}

function bump(state: TicketState, add: Partial<TicketState['counts']>): TicketState['counts'] {
  const c = state.counts;
  return {
    followUps: c.followUps + (add.followUps ?? 0),
    phoneCalls: c.phoneCalls + (add.phoneCalls ?? 0),
    articles: c.articles + (add.articles ?? 0),
    refused: c.refused,
  };
}

/**
 * Articles this command brings along. The receipt notice and the sent answer may be composed by an
 * activity after the transition (no articleId here): counting those is then the workflow's job.
 */
function articlesIn(command: TicketCommand): number {
  return 'articleId' in command && command.articleId ? 1 : 0;
}

function levelRank(level: TicketState['supportLevel']): number {
  return SUPPORT_LEVELS.indexOf(level);
}
