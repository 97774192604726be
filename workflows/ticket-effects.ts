// What a ticket's changes call for outside the workflow, as plain data the
// workflow queues and then carries out in order through activities; and the
// desk's answer to an SLA alarm. Pure: no workflow APIs here.
import type { SlaAlarm, StoppedClock } from './sla/clocks';
import type { SlaPolicy } from './sla/policy';
import { levelAfterBreach } from './sla/ticket-sla-events';
import type { Actor, TicketCommand, TicketState } from './ticket-types';

export type Effect =
  | { kind: 'event'; event: { kind: string; actor?: string; detail: Record<string, unknown> } }
  | { kind: 'articleRefused'; articleId: string; reason: string }
  | { kind: 'receiptNotice'; author: string }
  | { kind: 'answer'; author: string; memoId: string }
  | { kind: 'slaEvent'; event: SlaEventRecord }
  | { kind: 'trainSpam' }
  | { kind: 'notice'; notice: { kind: 'sla_warning' | 'sla_breach' | 'escalation'; to: string; clock?: string; level?: string; reason?: string } };

export interface SlaEventRecord {
  clock: string;
  kind: 'warning' | 'breach' | 'met' | 'missed';
  deadline?: string;
  actualAt: string;
  marginMs?: number;
  levelFrom?: string;
  levelTo?: string;
}

/**
 * What an accepted command causes outside, in order: its history line first,
 * then the mail or training it calls for. Adding an agent action that mails or
 * trains something is one case here.
 */
/** The effects that compose and send mail: they may wait on a mail server for minutes, so they run beside the records. */
export function isMailEffect(effect: Effect): boolean {
  return effect.kind === 'receiptNotice' || effect.kind === 'answer' || effect.kind === 'notice';
}

/** The effects a batch writes in one transaction (patch `record-batch-local`): everything but mail and spam training. */
export type RecordEffect = Extract<Effect, { kind: 'event' | 'articleRefused' | 'slaEvent' }>;

export function isRecordEffect(effect: Effect): effect is RecordEffect {
  return effect.kind === 'event' || effect.kind === 'articleRefused' || effect.kind === 'slaEvent';
}

export function effectsOfCommand(command: TicketCommand, historyLine: Extract<Effect, { kind: 'event' }>['event']): Effect[] {
  const effects: Effect[] = [{ kind: 'event', event: historyLine }];
  switch (command.type) {
    case 'acknowledge':
      effects.push({ kind: 'receiptNotice', author: command.actor.user });
      break;
    case 'sendAnswer':
      effects.push({ kind: 'answer', author: command.actor.user, memoId: command.memoId });
      break;
    case 'markSpam':
      effects.push({ kind: 'trainSpam' });
      break;
  }
  return effects;
}

/** Who acts when a deadline passes: escalations by the SLA clocks are on record under this name. */
export const SLA_CLOCK: Actor = { user: 'sla-clock', role: 'manager' };

export interface AlarmReaction {
  before: Effect[];
  /** Applied through the ticket rules between `before` and `after`; `after` is dropped if the rules refuse. */
  escalation?: TicketCommand;
  after: Effect[];
}

/**
 * A warning tells the owner (or the queue); a breach escalates one level and tells that level, L3 at most.
 * `slaRecordsFirst` (the ticket's answer to patch `sla-records-local`): the SLA record comes first in
 * `before`, as the escalation's record (it is written within the task that saw the deadline), then the
 * history line; without it, in the order of tickets from before the patch.
 */
export function reactToAlarm(
  alarm: SlaAlarm,
  ticket: TicketState,
  policy: SlaPolicy | undefined,
  at: string,
  order: { slaRecordsFirst: boolean },
): AlarmReaction {
  const reaction = reactionTo(alarm, ticket, policy, at);
  return order.slaRecordsFirst ? { ...reaction, before: slaRecordsFirst(reaction.before) } : reaction;
}

function slaRecordsFirst(before: Effect[]): Effect[] {
  return [...before.filter((e) => e.kind === 'slaEvent'), ...before.filter((e) => e.kind !== 'slaEvent')];
}

function reactionTo(alarm: SlaAlarm, ticket: TicketState, policy: SlaPolicy | undefined, at: string): AlarmReaction {
  const dueAt = new Date(alarm.atMs).toISOString();
  if (alarm.kind === 'warning') {
    const to = ticket.owner ? `user:${ticket.owner}` : `queue:${ticket.queue ?? 'unassigned'}`;
    return {
      before: [
        { kind: 'event', event: { kind: 'sla_warning', detail: { clock: alarm.clock, dueAt } } },
        { kind: 'slaEvent', event: { clock: alarm.clock, kind: 'warning', deadline: dueAt, actualAt: at } },
        { kind: 'notice', notice: { kind: 'sla_warning', to, clock: alarm.clock } },
      ],
      after: [],
    };
  }
  const from = ticket.supportLevel;
  const to = levelAfterBreach(from);
  const reason = `SLA ${alarm.clock} deadline ${dueAt} passed`;
  const before: Effect[] = [{ kind: 'slaEvent', event: { clock: alarm.clock, kind: 'breach', deadline: dueAt, actualAt: at, levelFrom: from, levelTo: to } }];
  const notify = policy?.escalation[to as 'L2' | 'L3']?.notify;
  if (to === from) {
    // Already at L3: nobody further up, but L3 still hears of the breach.
    const after: Effect[] = notify ? [{ kind: 'notice', notice: { kind: 'sla_breach', to: notify, clock: alarm.clock, level: to, reason } }] : [];
    return { before: [...before, ...after], after: [] };
  }
  return {
    before,
    escalation: { type: 'escalate', actor: SLA_CLOCK, level: to, reason },
    after: notify ? [{ kind: 'notice', notice: { kind: 'escalation', to: notify, clock: alarm.clock, level: to, reason } }] : [],
  };
}

/** A stopped clock's verdict, for managers' met and breach rates. */
export function verdictEffect(stopped: StoppedClock): Effect {
  return {
    kind: 'slaEvent',
    event: { clock: stopped.clock, kind: stopped.met ? 'met' : 'missed', marginMs: stopped.marginMs, actualAt: new Date(stopped.stoppedAtMs).toISOString() },
  };
}
