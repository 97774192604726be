// Carries out one queued effect of a ticket through activities. Runs inside
// the workflow: the order of activity calls here is part of every ticket's
// history, so a change must keep old histories replayable (see `patched`).
import { ApplicationFailure, log, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { TicketActivities } from '../activities';
import type { TicketRecord, TicketRecordBatch } from '../activities/ticket-records';
import type { TicketView } from './ticket-messages';
import type { Effect, RecordEffect } from './ticket-effects';
import { PERMANENT_MAIL_FAILURE, TICKET_ACTIVITY_TIMEOUT_MS } from './activity-contracts';
import { failedForGood, failureReason } from './failure-reason';

export const ticketActivities = proxyActivities<TicketActivities>({
  startToCloseTimeout: TICKET_ACTIVITY_TIMEOUT_MS,
  // Outages are waited out: losing a history line or a reply is worse than being late.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/**
 * SLA records (warning, breach, met, missed) as local activities (patch `sla-records-local`):
 * written by the worker within the workflow task that saw the deadline, with no activity task
 * queued on the server behind other tickets' work, when many deadlines fall together.
 */
const slaRecordActivities = proxyLocalActivities<Pick<TicketActivities, 'recordSlaEvent'>>({
  startToCloseTimeout: TICKET_ACTIVITY_TIMEOUT_MS,
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** The patch under which SLA records are local activities written before the alarm's history line. */
export const SLA_RECORDS_LOCAL = 'sla-records-local';

/**
 * The patch under which a batch's records (history lines, refused articles' marks, SLA verdicts)
 * and the read model are written by one local activity in one transaction (`recordTicketBatch`),
 * search attributes are upserted only when one changed, and the patches before it are implied:
 * a run that has this one never asks for them, which would only add a marker and an upsert each.
 */
export const RECORD_BATCH = 'record-batch-local';

const recordBatchActivities = proxyLocalActivities<Pick<TicketActivities, 'recordTicketBatch'>>({
  startToCloseTimeout: TICKET_ACTIVITY_TIMEOUT_MS,
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/**
 * The patch under which the receipt notice and the answer are written and mailed by one activity
 * each (activities/customer-mail.ts), not composed by one and sent by another. Asked with
 * `patched` itself: it came after RECORD_BATCH, so a batched run does not imply it. An article
 * that cannot be written for good is then a `mail_failed` line too, like a mail refused.
 */
const MAIL_ONE_STEP = 'mail-one-step';

/** `patched(id)`, true without asking in a run under RECORD_BATCH (which came after every other patch). */
export function since(batched: boolean, id: string): boolean {
  return batched || patched(id);
}

export interface EffectContext {
  number: string;
  /** `<number>:<sequence>`: the idempotency key of the next record. */
  nextKey: () => string;
  /** Brings the read model up to date; the replies and notices read the ticket from it. */
  recordTicket: () => Promise<void>;
  /** The run is under RECORD_BATCH (and so under every patch before it). */
  batched: boolean;
}

const now = () => new Date().toISOString();

export async function carryOutEffect(effect: Effect, ctx: EffectContext): Promise<void> {
  await orNoted(`effect ${effect.kind}`, () => runEffect(effect, ctx), ctx);
}

async function runEffect(effect: Effect, ctx: EffectContext): Promise<void> {
  switch (effect.kind) {
    case 'event':
      return ticketActivities.recordTicketEvent({ ...effect.event, key: ctx.nextKey(), number: ctx.number, at: now() });
    case 'articleRefused':
      return ticketActivities.markArticleRefused(effect.articleId, effect.reason);
    case 'slaEvent': {
      const record = { ...effect.event, key: ctx.nextKey(), number: ctx.number };
      // Tickets that recorded SLA events as activities before the patch replay as they ran.
      return since(ctx.batched, SLA_RECORDS_LOCAL) ? slaRecordActivities.recordSlaEvent(record) : ticketActivities.recordSlaEvent(record);
    }
    case 'receiptNotice': {
      await ctx.recordTicket();
      const request = { number: ctx.number, key: ctx.nextKey(), author: effect.author };
      if (patched(MAIL_ONE_STEP)) return settle('the receipt notice', () => ticketActivities.sendReceiptNotice(request), ctx);
      return mail(await ticketActivities.composeReceiptNotice(request), ctx);
    }
    case 'answer': {
      await ctx.recordTicket();
      const request = { number: ctx.number, key: ctx.nextKey(), author: effect.author, memoId: effect.memoId };
      if (patched(MAIL_ONE_STEP)) return settle(`the answer (memo ${effect.memoId})`, () => ticketActivities.sendAnswer(request), ctx);
      return mail(await ticketActivities.composeAnswer(request), ctx);
    }
    case 'trainSpam':
      // Tickets marked as spam before the filter learnt from it did not train.
      if (!since(ctx.batched, 'train-spam-on-mark')) return;
      await ticketActivities.trainTicketAsSpam({ number: ctx.number });
      return;
    case 'notice': {
      await ctx.recordTicket();
      const key = ctx.nextKey();
      return settle(`notice ${effect.notice.kind}`, () => ticketActivities.sendNotice({ ...effect.notice, number: ctx.number, key }), ctx);
    }
  }
}

/** Sends an outgoing article by mail (tickets started before outbound mail only recorded it). */
async function mail(articleId: string, ctx: EffectContext): Promise<void> {
  if (!since(ctx.batched, 'outbound-mail')) return;
  await settle(`mail of article ${articleId}`, () => ticketActivities.sendArticleMail({ articleId }), ctx);
}

/**
 * Writes a batch's records and the read model (when `ticket` is given) in one local activity
 * (RECORD_BATCH). A record refused for good is noted on the history by the activity itself; should
 * the whole batch fail for good, that is noted here, and the ticket goes on.
 */
export async function recordBatch(records: RecordEffect[], ticket: { view: TicketView; version: number } | undefined, ctx: EffectContext): Promise<void> {
  const at = now();
  const batch: TicketRecordBatch = {
    number: ctx.number,
    at,
    ticket: ticket && { ...ticket, key: ctx.nextKey() },
    records: records.map((effect) => recordOf(effect, ctx.nextKey(), at)),
  };
  await orNoted('the ticket records', async () => {
    const { failed } = await recordBatchActivities.recordTicketBatch(batch);
    for (const { what, reason } of failed) log.error(`ticket ${ctx.number}: ${what} could not be carried out: ${reason}`);
  }, ctx);
}

function recordOf(effect: RecordEffect, key: string, at: string): TicketRecord {
  switch (effect.kind) {
    case 'event':
      return { kind: 'event', key, event: effect.event, at };
    case 'articleRefused':
      return { kind: 'articleRefused', key, articleId: effect.articleId, reason: effect.reason };
    case 'slaEvent':
      return { kind: 'slaEvent', key, event: effect.event };
  }
}


/**
 * Runs one step; an activity that failed for good (its input refused: see
 * worker/activity-failures.ts) is noted on the ticket's history instead, and
 * the ticket goes on. Only failures reach here: outages are retried inside the activity call.
 */
export async function orNoted(what: string, step: () => Promise<unknown>, ctx: Pick<EffectContext, 'number' | 'nextKey'>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (!failedForGood(error)) throw error;
    const reason = failureReason(error);
    log.error(`ticket ${ctx.number}: ${what} could not be carried out: ${reason}`);
    try {
      await ticketActivities.recordTicketEvent({ kind: 'record_failed', detail: { what, reason }, key: ctx.nextKey(), number: ctx.number, at: now() });
    } catch (again) {
      if (!failedForGood(again)) throw again;
      log.error(`ticket ${ctx.number}: the failure of ${what} could not be recorded either: ${failureReason(again)}`);
    }
  }
}


/** A mail that cannot go out for good is on the ticket's record; the ticket goes on. */
async function settle(what: string, send: () => Promise<unknown>, ctx: EffectContext): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (!failedForGood(error)) throw error;
    // The mail activity already wrote why the server refused it.
    if (error.cause instanceof ApplicationFailure && error.cause.type === PERMANENT_MAIL_FAILURE) return;
    await ticketActivities.recordTicketEvent({ kind: 'mail_failed', detail: { what, reason: failureReason(error) }, key: ctx.nextKey(), number: ctx.number, at: now() });
  }
}
