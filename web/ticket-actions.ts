// Which actions the ticket page offers, and which API request each form makes.
// What may be done is decided by the ticket's own rules (workflows/ticket-rules.ts)
// and the routes' role groups, asked with a sample of each command: the page
// shows a button exactly when the API would accept the click.
import { mayAct } from '../api/role-groups';
import { decide } from '../workflows/ticket-rules';
import type { Actor, Memo, TicketCommand, TicketState } from '../workflows/ticket-types';
import { PRIORITIES, SUPPORT_LEVELS } from '../workflows/ticket-types';

export const CONSOLE_ACTIONS = ['queue', 'acknowledge', 'draftMemo', 'approve', 'reject', 'sendAnswer', 'logPhoneCall', 'changePriority', 'reassign', 'escalate', 'close', 'markSpam'] as const;
export type ConsoleAction = (typeof CONSOLE_ACTIONS)[number];

export interface OfferedAction {
  action: ConsoleAction;
  memo?: Memo;
  /** Shown instead of the button: why this person cannot do it (a memo's own author). */
  blocked?: 'ownMemo';
}

const isAllowed = (ticket: TicketState, command: TicketCommand, now: string) => decide(ticket, command, now).ok;

export function offeredActions(ticket: TicketState, actor: Actor, now: string): OfferedAction[] {
  if (!mayAct('desk', actor.role)) return [];
  const offered: OfferedAction[] = [];
  const offer = (action: ConsoleAction, command: TicketCommand) => {
    if (isAllowed(ticket, command, now)) offered.push({ action });
  };
  offer('queue', { type: 'assignQueue', actor, queue: 'x' });
  offer('acknowledge', { type: 'acknowledge', actor });
  offer('draftMemo', { type: 'draftMemo', actor, articleId: 'sample' });
  for (const memo of ticket.memos.filter((m) => m.status === 'in_review')) {
    if (!mayAct('reviewers', actor.role)) continue;
    if (memo.author === actor.user) offered.push({ action: 'approve', memo, blocked: 'ownMemo' });
    else if (isAllowed(ticket, { type: 'reviewMemo', actor, memoId: memo.id, decision: 'approve' }, now)) {
      offered.push({ action: 'approve', memo }, { action: 'reject', memo });
    }
  }
  for (const memo of ticket.memos.filter((m) => m.status === 'approved')) {
    if (isAllowed(ticket, { type: 'sendAnswer', actor, memoId: memo.id }, now)) offered.push({ action: 'sendAnswer', memo });
  }
  offer('logPhoneCall', { type: 'logPhoneCall', actor, direction: 'outbound', articleId: 'sample' });
  if (PRIORITIES.some((priority) => priority !== ticket.priority && isAllowed(ticket, { type: 'changePriority', actor, priority }, now))) offered.push({ action: 'changePriority' });
  offer('reassign', { type: 'reassign', actor, owner: actor.user === 'x' ? 'y' : 'x' });
  if (SUPPORT_LEVELS.some((level) => isAllowed(ticket, { type: 'escalate', actor, level, reason: 'x' }, now))) offered.push({ action: 'escalate' });
  offer('close', { type: 'close', actor, resolution: 'x' });
  offer('markSpam', { type: 'markSpam', actor });
  return offered;
}

export type ActionForm = Record<string, string | undefined>;

/** The API route and JSON body a submitted form stands for; the route validates it. */
export function apiRequestFor(number: string, action: ConsoleAction, form: ActionForm): { path: string; body: Record<string, unknown> } {
  const base = `/api/tickets/${encodeURIComponent(number)}`;
  const text = (name: string) => form[name] ?? '';
  switch (action) {
    case 'queue':
      return { path: `${base}/queue`, body: { queue: text('queue') } };
    case 'acknowledge':
      return { path: `${base}/acknowledge`, body: {} };
    case 'draftMemo':
      return { path: `${base}/memos`, body: { body: text('body') } };
    case 'approve':
    case 'reject':
      return {
        path: `${base}/memos/${encodeURIComponent(text('memoId'))}/review`,
        body: { decision: action, ...(text('comment').trim() ? { comment: text('comment') } : {}) },
      };
    case 'sendAnswer':
      return { path: `${base}/answer`, body: { memoId: text('memoId') } };
    case 'logPhoneCall':
      return { path: `${base}/phone-calls`, body: { direction: text('direction'), body: text('body') } };
    case 'changePriority':
      return { path: `${base}/priority`, body: { priority: text('priority') } };
    case 'reassign':
      return { path: `${base}/owner`, body: { owner: text('owner') } };
    case 'escalate':
      return { path: `${base}/escalate`, body: { level: text('level'), reason: text('reason') } };
    case 'close':
      return { path: `${base}/close`, body: { resolution: text('resolution') } };
    case 'markSpam':
      return { path: `${base}/spam`, body: {} };
  }
}
