// A new ticket as the rules leave it, before its workflow starts: the
// priority they chose, and in their queue. The queue is given by the ticket's
// own rule for assigning one (workflows/ticket-rules.ts), so a triaged ticket
// is `open` in its queue exactly as if an agent had queued it at once.
import { decide, newTicketState, type NewTicketInit } from '../../workflows/ticket-rules';
import type { TicketState } from '../../workflows/ticket-types';
import type { TriageOutcome } from './triage';

/** The rules act on no one's token: history lines and the queue assignment name them as this user. */
export const TRIAGE_ACTOR = 'triage';

export function triagedTicket(init: NewTicketInit, outcome: TriageOutcome | undefined): TicketState {
  const opened = newTicketState(outcome ? { ...init, priority: outcome.priority } : init);
  if (!outcome?.queue) return opened;
  const queued = decide(opened, { type: 'assignQueue', actor: { user: TRIAGE_ACTOR, role: 'agent' }, queue: outcome.queue }, init.createdAt);
  return queued.ok ? queued.state : opened;
}
