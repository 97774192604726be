import {
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { reopenWindowOver } from './reopen-window';
import type { SlaAlarm, SlaClocks } from './sla/clocks';
import type { SlaPolicy } from './sla/policy';
import { TicketRun } from './ticket-run';
import { changedSearchAttributes, describeTicket, ticketSearchAttributes } from './ticket-display';
import { carryOutEffect, orNoted, RECORD_BATCH, recordBatch, since, SLA_RECORDS_LOCAL, ticketActivities } from './ticket-effect-runner';
import { effectsOfCommand, isMailEffect, isRecordEffect, reactToAlarm, verdictEffect, type Effect, type RecordEffect } from './ticket-effects';
import {
  AGENT_ACTIONS,
  AGENT_ACTION_DESCRIPTIONS,
  actionSignal,
  actionUpdate,
  customerFollowUpSignal,
  customerFollowUpUpdate,
  slaQuery,
  type CustomerFollowUp,
  ticketQuery,
  type AgentCommand,
  type TicketView,
} from './ticket-messages';
import { decide } from './ticket-rules';
import type { TicketCommand, TicketState } from './ticket-types';

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
  carried?: { sequence: number; version: number; waitingSince?: string; sla?: SlaClocks; followUpArticles?: string[] };
}

interface DeadlineTimer {
  at: number;
  scope: CancellationScope;
  fired: boolean;
  /** Settles when the timer fires or is cancelled. */
  done: Promise<void>;
}

export type TicketOutcome = { number: string; status: 'closed'; resolution?: string };


/** One support ticket, from the first contact until it has stayed closed for the reopen window. */
export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketOutcome> {
  const { settings } = input;
  // One local activity writes each batch's records (see RECORD_BATCH); a run under it is under every patch before it.
  const batched = patched(RECORD_BATCH);
  // The customer waits from when the ticket's workflow was started (the server's clock, moments after the
  // ticket was written), not from its first task, which a busy worker may pick up seconds later.
  const slaStartMs = since(batched, 'sla-from-workflow-start') ? workflowInfo().startTime.getTime() : Date.now();
  const run = new TicketRun(input, slaStartMs);
  // Mail goes out in a lane of its own: a mail server that is down or slow must not hold back
  // the ticket's records, its SLA deadlines or its next update (old runs keep their one lane).
  const mailLane = since(batched, 'mail-lane');
  let mailing: Promise<void> = Promise.resolve();
  let mailsQueued = 0;
  const { sla } = run;
  let recordedVersion = -1;
  /** RECORD_BATCH: the running timer of the next deadline. */
  let timer: DeadlineTimer | undefined;
  const effects: Effect[] = [];

  const view = (): TicketView => ({ ...run.ticket, slaStatus: sla.status(run.ticket, Date.now()), nextDueAt: sla.nextDueAt(Date.now()) });
  const nextKey = () => `${run.ticket.number}:${++run.sequence}`;
  const now = () => new Date().toISOString();

  /** Applies an accepted state change and queues what has to happen outside. */
  function apply(command: TicketCommand, next: TicketState, note?: string): void {
    const before = run.ticket;
    run.ticket = next;
    run.version++;
    if (run.ticket.status === 'waiting_customer' && before.status !== 'waiting_customer') run.waitingSince = now();
    if (run.ticket.status !== 'waiting_customer') run.waitingSince = undefined;
    effects.push(...effectsOfCommand(command, historyLine(command, before, note)));
    const change = sla.onChange(command, before, run.ticket, Date.now(), note);
    effects.push(...change.stopped.map(verdictEffect));
    change.alarms.forEach(onAlarm);
    publish();
  }

  function historyLine(command: TicketCommand, before: TicketState, note?: string) {
    const { type, ...detail } = command;
    const actor = 'actor' in command ? command.actor.user : undefined;
    return { kind: type, actor, detail: { ...detail, from: before.status, to: run.ticket.status, ...(note ? { note } : {}) } };
  }

  function refuse(command: TicketCommand, reason: string): void {
    run.ticket = { ...run.ticket, counts: { ...run.ticket.counts, refused: run.ticket.counts.refused + 1 } };
    run.version++;
    const actor = 'actor' in command ? command.actor.user : undefined;
    effects.push({ kind: 'event', event: { kind: 'refused', actor, detail: { command: command.type, reason } } });
    if ('articleId' in command && command.articleId) effects.push({ kind: 'articleRefused', articleId: command.articleId, reason });
  }

  function onAlarm(alarm: SlaAlarm): void {
    run.version++;
    // Alarms from before SLA_RECORDS_LOCAL replay in their order (the history line before the SLA record).
    const reaction = reactToAlarm(alarm, run.ticket, sla.clocks?.policy, now(), { slaRecordsFirst: since(batched, SLA_RECORDS_LOCAL) });
    effects.push(...reaction.before);
    if (reaction.escalation) {
      const decision = decideNow(reaction.escalation);
      if (!decision.ok) return;
      apply(reaction.escalation, decision.state);
    }
    effects.push(...reaction.after);
  }

  function publish(): void {
    const current = view();
    // Upserts are commands: under RECORD_BATCH only the attributes whose value changed, and none when none did.
    if (batched) changedSearchAttributes(current, sla.dueAt(Date.now()));
    else ticketSearchAttributes(current, sla.dueAt(Date.now()));
    setCurrentDetails(describeTicket(current));
  }

  function decideNow(command: TicketCommand) {
    return decide(run.ticket, command, now(), { reopenWindowMs: settings.reopenWindowMs });
  }

  const acceptsAgentSignals = !since(batched, 'agent-actions-by-update-only');
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
        description: AGENT_ACTION_DESCRIPTIONS[action],
      },
    );
    // Histories from before the patch may hold agent-action signals: they replay as they ran.
    if (acceptsAgentSignals) setHandler(actionSignal(action), (args) => {
      const command = toCommand(args);
      const decision = decideNow(command);
      if (decision.ok) apply(command, decision.state);
      else refuse(command, decision.reason);
    });
  }

  const takeFollowUp = ({ articleId, channel }: CustomerFollowUp) => {
    if (run.followUpArticles.has(articleId)) return;
    run.followUpArticles.add(articleId);
    const command: TicketCommand = { type: 'customerFollowUp', articleId, channel };
    const decision = decideNow(command);
    // The rules never refuse a follow-up; should they ever, it is still on record as refused.
    if (decision.ok) apply(command, decision.state, decision.note);
    else refuse(command, decision.reason);
  };
  setHandler(customerFollowUpSignal, takeFollowUp);
  setHandler(
    customerFollowUpUpdate,
    (followUp) => {
      takeFollowUp(followUp);
      return view();
    },
    { description: "Adds the customer's follow-up (once per article) and answers the ticket as it now stands" },
  );

  setHandler(ticketQuery, view);
  setHandler(slaQuery, (asOf) => sla.report(run.ticket, asOf?.now ? Math.max(Date.parse(asOf.now), Date.now()) : Date.now()));

  publish();
  for (;;) {
    const timedOut = !(await workToDoOrDeadline());
    await carryOut();
    if (timedOut) onDeadline();
    if (run.ticket.status === 'closed' && reopenWindowClosed() && effects.length === 0) break;
    if (historyIsLong()) {
      await finishWork();
      await continueAsNew<typeof ticketWorkflow>({ ticket: run.ticket, settings, carried: run.carried() });
    }
  }
  await finishWork();
  return { number: run.ticket.number, status: 'closed', resolution: run.ticket.resolution };

  /** True when there is work to carry out, false when the next deadline came first. */
  async function workToDoOrDeadline(): Promise<boolean> {
    const workToDo = () => effects.length > 0 || recordedVersion < run.version;
    const deadline = nextDeadline();
    if (batched) return waitKeepingTimer(workToDo, deadline);
    if (deadline === undefined) {
      await condition(workToDo);
      return true;
    }
    return condition(workToDo, Math.max(deadline - Date.now(), 1));
  }

  /**
   * RECORD_BATCH: the same wait, but the deadline's timer outlives the wait while the deadline stays
   * the same; a new timer for each wait (and the old one cancelled) is two events per update.
   */
  async function waitKeepingTimer(workToDo: () => boolean, deadline: number | undefined): Promise<boolean> {
    if (timer && (timer.at !== deadline || timer.fired)) {
      if (!timer.fired) timer.scope.cancel();
      timer = undefined;
    }
    if (deadline !== undefined && !timer) {
      const scope = new CancellationScope();
      const started: DeadlineTimer = { at: deadline, scope, fired: false, done: Promise.resolve() };
      started.done = scope.run(() => sleep(Math.max(deadline - Date.now(), 1))).then(
        () => void (started.fired = true),
        () => undefined,
      );
      timer = started;
    }
    if (workToDo()) return true;
    const waiting = new CancellationScope();
    const work = waiting.run(() => condition(workToDo)).then(() => true, () => false);
    if (!timer) return work;
    const current = timer;
    const outcome = await Promise.race([work, current.done.then(() => !current.fired)]);
    waiting.cancel();
    return outcome;
  }

  /** Before the run ends: every handler done, and everything they queued carried out (they may queue more meanwhile). */
  async function finishWork(): Promise<void> {
    do {
      await condition(allHandlersFinished);
      await carryOut();
      await mailing;
    } while (effects.length > 0 || recordedVersion < run.version || mailsQueued > 0);
  }

  /** Runs the queued effects in order, then brings the read model up to date. */
  async function carryOut(): Promise<void> {
    if (batched) return carryOutBatches();
    // The read model first: the replies read the ticket's customer from it.
    if (recordedVersion < 0) await recordTicket();
    while (effects.length > 0) {
      const effect = effects.shift()!;
      const ctx = { number: run.ticket.number, nextKey, recordTicket, batched };
      if (mailLane && isMailEffect(effect)) {
        // In order among themselves (the receipt notice before the answer), beside everything else.
        mailsQueued++;
        mailing = mailing.then(() => carryOutEffect(effect, ctx)).finally(() => void mailsQueued--);
        continue;
      }
      await carryOutEffect(effect, ctx);
    }
    if (recordedVersion < run.version) await recordTicket();
  }

  /**
   * RECORD_BATCH: what is queued, as batches: the records and the read model of each in one local
   * activity, then in their order the mails (in the mail lane) and the rest. So the read model is
   * current before any mail of the batch is composed, and a reply need not write it again.
   */
  async function carryOutBatches(): Promise<void> {
    // A mail's batch wrote the read model before the mail was queued: composing it need not write it again.
    const ctx = { number: run.ticket.number, nextKey, recordTicket: async () => {}, batched };
    while (effects.length > 0 || recordedVersion < run.version) {
      const batch = effects.splice(0);
      await recordBatchIfBehind(batch.filter(isRecordEffect));
      for (const effect of batch) {
        if (isRecordEffect(effect)) continue;
        if (isMailEffect(effect)) {
          mailsQueued++;
          mailing = mailing.then(() => carryOutEffect(effect, ctx)).finally(() => void mailsQueued--);
        } else await carryOutEffect(effect, ctx);
      }
    }
  }

  /** The records given and, when it is behind, the read model; nothing when there is neither. */
  async function recordBatchIfBehind(records: RecordEffect[]): Promise<void> {
    const at = run.version;
    const behind = recordedVersion < at;
    if (!behind && records.length === 0) return;
    await recordBatch(records, behind ? { view: view(), version: at } : undefined, { number: run.ticket.number, nextKey, recordTicket, batched });
    recordedVersion = Math.max(recordedVersion, at);
  }

  async function recordTicket(): Promise<void> {
    const at = run.version;
    // A read model that cannot be written for good is noted and left behind until the next change.
    await orNoted('the ticket record', () => ticketActivities.recordTicket(view(), at), { number: run.ticket.number, nextKey });
    recordedVersion = Math.max(recordedVersion, at);
  }

  function nextDeadline(): number | undefined {
    const deadlines = [sla.nextAlarmAt()];
    if (run.ticket.status === 'waiting_customer' && run.waitingSince) deadlines.push(Date.parse(run.waitingSince) + settings.autoCloseAfterMs);
    if (run.ticket.status === 'closed' && run.ticket.closedAt) deadlines.push(Date.parse(run.ticket.closedAt) + settings.reopenWindowMs);
    const set = deadlines.filter((d): d is number => d !== undefined);
    return set.length ? Math.min(...set) : undefined;
  }

  function onDeadline(): void {
    const alarms = sla.dueAlarms(Date.now());
    alarms.forEach(onAlarm);
    if (alarms.length) publish();
    if (run.ticket.status === 'waiting_customer' && run.waitingSince && Date.now() >= Date.parse(run.waitingSince) + settings.autoCloseAfterMs) {
      const command: TicketCommand = { type: 'autoClose', resolution: 'no_response' };
      const decision = decideNow(command);
      if (decision.ok) apply(command, decision.state);
    }
  }

  function reopenWindowClosed(): boolean {
    return reopenWindowOver(run.ticket.closedAt, Date.now(), settings.reopenWindowMs);
  }

  function historyIsLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (settings.maxHistoryEvents !== undefined && info.historyLength > settings.maxHistoryEvents);
  }
}
