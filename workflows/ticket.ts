import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { TicketActivities } from '../activities';
import type { SlaClocks, SlaAlarm, StoppedClock } from './sla/clocks';
import type { SlaPolicy } from './sla/policy';
import { TicketSla } from './sla/ticket-sla';
import { levelAfterBreach } from './sla/ticket-sla-events';
import { describeTicket, ticketSearchAttributes } from './ticket-display';
import {
  AGENT_ACTIONS,
  actionSignal,
  actionUpdate,
  customerFollowUpSignal,
  slaQuery,
  ticketQuery,
  type AgentCommand,
  type TicketView,
} from './ticket-messages';
import { decide } from './ticket-rules';
import type { Actor, TicketCommand, TicketState } from './ticket-types';

export interface TicketSettings {
  reopenWindowMs: number;
  autoCloseAfterMs: number;
  /** Continue-as-new past this many history events even before Temporal suggests it (tests use a small one). */
  maxHistoryEvents?: number;
}

export interface TicketWorkflowInput {
  ticket: TicketState;
  settings: TicketSettings;
  /** The SLA policy the ticket starts under; kept with the ticket for life. Absent on tickets from before SLA clocks. */
  slaPolicy?: SlaPolicy;
  /** The inquiry's article, for the record. */
  firstArticleId?: string;
  /** Carried over continue-as-new: the counters, the waiting clock and the SLA clocks. */
  carried?: { sequence: number; version: number; waitingSince?: string; sla?: SlaClocks };
}

export type TicketOutcome = { number: string; status: 'closed'; resolution?: string };

/** Who acts when a deadline passes: escalations by the SLA clocks are on record under this name. */
const SLA_CLOCK: Actor = { user: 'sla-clock', role: 'manager' };

const desk = proxyActivities<TicketActivities>({
  startToCloseTimeout: '1 minute',
  // Outages are waited out: losing a history line or a reply is worse than being late.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** One support ticket, from the first contact until it has stayed closed for the reopen window. */
export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketOutcome> {
  const { settings } = input;
  let ticket = input.ticket;
  let sequence = input.carried?.sequence ?? 0;
  let waitingSince = input.carried?.waitingSince;
  let version = input.carried?.version ?? 0;
  let recordedVersion = -1;
  const effects: Effect[] = [];
  const sla = input.carried ? new TicketSla(input.carried.sla) : TicketSla.start(input.slaPolicy, ticket, Date.now());

  const view = (): TicketView => ({ ...ticket, slaStatus: sla.status(ticket, Date.now()) });
  const nextKey = () => `${ticket.number}:${++sequence}`;
  const now = () => new Date().toISOString();

  /** Applies an accepted state change and queues what has to happen outside. */
  function apply(command: TicketCommand, next: TicketState, note?: string): void {
    const before = ticket;
    ticket = next;
    version++;
    if (ticket.status === 'waiting_customer' && before.status !== 'waiting_customer') waitingSince = now();
    if (ticket.status !== 'waiting_customer') waitingSince = undefined;
    effects.push({ kind: 'event', event: historyLine(command, before, note) });
    if (command.type === 'acknowledge') effects.push({ kind: 'receiptNotice', author: command.actor.user });
    if (command.type === 'sendAnswer') effects.push({ kind: 'answer', author: command.actor.user, memoId: command.memoId });
    const change = sla.onChange(command, before, ticket, Date.now(), note);
    change.stopped.forEach(recordVerdict);
    change.alarms.forEach(onAlarm);
    publish();
  }

  function historyLine(command: TicketCommand, before: TicketState, note?: string) {
    const { type, ...detail } = command;
    const actor = 'actor' in command ? command.actor.user : undefined;
    return { kind: type, actor, detail: { ...detail, from: before.status, to: ticket.status, ...(note ? { note } : {}) } };
  }

  function refuse(command: TicketCommand, reason: string): void {
    ticket = { ...ticket, counts: { ...ticket.counts, refused: ticket.counts.refused + 1 } };
    version++;
    const actor = 'actor' in command ? command.actor.user : undefined;
    effects.push({ kind: 'event', event: { kind: 'refused', actor, detail: { command: command.type, reason } } });
    if ('articleId' in command && command.articleId) effects.push({ kind: 'articleRefused', articleId: command.articleId, reason });
  }

  /** A warning tells the owner; a breach escalates one level and tells that level. */
  function onAlarm(alarm: SlaAlarm): void {
    const at = now();
    const dueAt = new Date(alarm.atMs).toISOString();
    version++;
    if (alarm.kind === 'warning') {
      effects.push({ kind: 'event', event: { kind: 'sla_warning', detail: { clock: alarm.clock, dueAt } } });
      effects.push({ kind: 'slaEvent', event: { clock: alarm.clock, kind: 'warning', deadline: dueAt, actualAt: at } });
      effects.push({ kind: 'notice', notice: { kind: 'sla_warning', to: ticket.owner ? `user:${ticket.owner}` : `queue:${ticket.queue ?? 'unassigned'}`, clock: alarm.clock } });
      return;
    }
    const from = ticket.supportLevel;
    const to = levelAfterBreach(from);
    const reason = `SLA ${alarm.clock} deadline ${dueAt} passed`;
    effects.push({ kind: 'slaEvent', event: { clock: alarm.clock, kind: 'breach', deadline: dueAt, actualAt: at, levelFrom: from, levelTo: to } });
    const notify = (level: 'L2' | 'L3') => sla.clocks?.policy.escalation[level]?.notify;
    if (to === from) {
      // Already at L3: nobody further up, but L3 still hears of the breach.
      const l3 = notify('L3');
      if (l3) effects.push({ kind: 'notice', notice: { kind: 'sla_breach', to: l3, clock: alarm.clock, level: to, reason } });
      return;
    }
    const escalation: TicketCommand = { type: 'escalate', actor: SLA_CLOCK, level: to, reason };
    const decision = decideNow(escalation);
    if (!decision.ok) return;
    apply(escalation, decision.state);
    const address = notify(to as 'L2' | 'L3');
    if (address) effects.push({ kind: 'notice', notice: { kind: 'escalation', to: address, clock: alarm.clock, level: to, reason } });
  }

  function recordVerdict(stopped: StoppedClock): void {
    effects.push({
      kind: 'slaEvent',
      event: { clock: stopped.clock, kind: stopped.met ? 'met' : 'missed', marginMs: stopped.marginMs, actualAt: new Date(stopped.stoppedAtMs).toISOString() },
    });
  }

  function publish(): void {
    const current = view();
    ticketSearchAttributes(current, sla.dueAt(Date.now()));
    setCurrentDetails(describeTicket(current));
  }

  function decideNow(command: TicketCommand) {
    return decide(ticket, command, now(), { reopenWindowMs: settings.reopenWindowMs });
  }

  for (const action of AGENT_ACTIONS) {
    const toCommand = (args: object) => ({ ...args, type: action }) as AgentCommand;
    setHandler(
      actionUpdate(action),
      (args) => {
        const decision = decideNow(toCommand(args));
        // The validator already said yes, and nothing ran in between; this guards a replay of old histories.
        if (!decision.ok) throw ApplicationFailure.create({ type: 'TransitionRefused', message: decision.reason, nonRetryable: true });
        apply(toCommand(args), decision.state);
        return view();
      },
      {
        validator: (args) => {
          const decision = decideNow(toCommand(args));
          if (!decision.ok) throw ApplicationFailure.create({ type: 'TransitionRefused', message: decision.reason, nonRetryable: true });
        },
      },
    );
    setHandler(actionSignal(action), (args) => {
      const command = toCommand(args);
      const decision = decideNow(command);
      if (decision.ok) apply(command, decision.state);
      else refuse(command, decision.reason);
    });
  }

  setHandler(customerFollowUpSignal, ({ articleId, channel }) => {
    const command: TicketCommand = { type: 'customerFollowUp', articleId, channel };
    const decision = decideNow(command);
    // The rules never refuse a follow-up; should they ever, it is still on record as refused.
    if (decision.ok) apply(command, decision.state, decision.note);
    else refuse(command, decision.reason);
  });

  setHandler(ticketQuery, view);
  setHandler(slaQuery, (asOf) => sla.report(ticket, asOf?.now ? Math.max(Date.parse(asOf.now), Date.now()) : Date.now()));

  publish();
  for (;;) {
    const timedOut = !(await workToDoOrDeadline());
    await carryOut();
    if (timedOut) onDeadline();
    if (ticket.status === 'closed' && reopenWindowOver() && effects.length === 0) break;
    if (historyIsLong()) {
      await condition(allHandlersFinished);
      await carryOut();
      await continueAsNew<typeof ticketWorkflow>({ ticket, settings, carried: { sequence, version, waitingSince, sla: sla.clocks } });
    }
  }
  await condition(allHandlersFinished);
  await carryOut();
  return { number: ticket.number, status: 'closed', resolution: ticket.resolution };

  /** True when there is work to carry out, false when the next deadline came first. */
  async function workToDoOrDeadline(): Promise<boolean> {
    const workToDo = () => effects.length > 0 || recordedVersion < version;
    const deadline = nextDeadline();
    if (deadline === undefined) {
      await condition(workToDo);
      return true;
    }
    return condition(workToDo, Math.max(deadline - Date.now(), 1));
  }

  /** Runs the queued effects in order, then brings the read model up to date. */
  async function carryOut(): Promise<void> {
    // The read model first: the replies read the ticket's customer from it.
    if (recordedVersion < 0) await recordTicket();
    while (effects.length > 0) {
      const effect = effects.shift()!;
      await perform(effect);
    }
    if (recordedVersion < version) await recordTicket();
  }

  async function recordTicket(): Promise<void> {
    const at = version;
    await desk.recordTicket(view(), at);
    recordedVersion = Math.max(recordedVersion, at);
  }

  async function perform(effect: Effect): Promise<void> {
    switch (effect.kind) {
      case 'event':
        return desk.recordTicketEvent({ ...effect.event, key: nextKey(), number: ticket.number, at: now() });
      case 'articleRefused':
        return desk.markArticleRefused(effect.articleId, effect.reason);
      case 'slaEvent':
        return desk.recordSlaEvent({ ...effect.event, key: nextKey(), number: ticket.number });
      case 'receiptNotice': {
        await recordTicket();
        const articleId = await desk.composeReceiptNotice({ number: ticket.number, key: nextKey(), author: effect.author });
        return mail(articleId);
      }
      case 'answer': {
        await recordTicket();
        const articleId = await desk.composeAnswer({ number: ticket.number, key: nextKey(), author: effect.author, memoId: effect.memoId });
        return mail(articleId);
      }
      case 'notice': {
        await recordTicket();
        const key = nextKey();
        await settle(`notice ${effect.notice.kind}`, () => desk.sendNotice({ ...effect.notice, number: ticket.number, key }));
        return;
      }
    }
  }

  /** Sends an outgoing article by mail (tickets started before outbound mail only recorded it). */
  async function mail(articleId: string): Promise<void> {
    if (!patched('outbound-mail')) return;
    await settle(`mail of article ${articleId}`, () => desk.sendArticleMail({ articleId }));
  }

  /** A mail that cannot go out for good is on the ticket's record; the ticket goes on. */
  async function settle(what: string, send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      // The mail activity already wrote why the server refused it.
      if (error.cause instanceof ApplicationFailure && error.cause.type === 'PermanentMailFailure') return;
      const reason = error.cause instanceof Error ? error.cause.message : error.message;
      await desk.recordTicketEvent({ kind: 'mail_failed', detail: { what, reason }, key: nextKey(), number: ticket.number, at: now() });
    }
  }

  function nextDeadline(): number | undefined {
    const deadlines = [sla.nextAlarmAt()];
    if (ticket.status === 'waiting_customer' && waitingSince) deadlines.push(Date.parse(waitingSince) + settings.autoCloseAfterMs);
    if (ticket.status === 'closed' && ticket.closedAt) deadlines.push(Date.parse(ticket.closedAt) + settings.reopenWindowMs);
    const set = deadlines.filter((d): d is number => d !== undefined);
    return set.length ? Math.min(...set) : undefined;
  }

  function onDeadline(): void {
    const alarms = sla.dueAlarms(Date.now());
    alarms.forEach(onAlarm);
    if (alarms.length) publish();
    if (ticket.status === 'waiting_customer' && waitingSince && Date.now() >= Date.parse(waitingSince) + settings.autoCloseAfterMs) {
      const command: TicketCommand = { type: 'autoClose', resolution: 'no_response' };
      const decision = decideNow(command);
      if (decision.ok) apply(command, decision.state);
    }
  }

  function reopenWindowOver(): boolean {
    return ticket.closedAt !== undefined && Date.now() >= Date.parse(ticket.closedAt) + settings.reopenWindowMs;
  }

  function historyIsLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (settings.maxHistoryEvents !== undefined && info.historyLength > settings.maxHistoryEvents);
  }
}

type Effect =
  | { kind: 'event'; event: { kind: string; actor?: string; detail: Record<string, unknown> } }
  | { kind: 'articleRefused'; articleId: string; reason: string }
  | { kind: 'receiptNotice'; author: string }
  | { kind: 'answer'; author: string; memoId: string }
  | { kind: 'slaEvent'; event: SlaEventRecord }
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
