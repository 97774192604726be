// Carries out one queued effect of a ticket through activities. Runs inside
// the workflow: the order of activity calls here is part of every ticket's
// history, so a change must keep old histories replayable (see `patched`).
import { ActivityFailure, ApplicationFailure, log, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { TicketActivities } from '../activities';
import type { Effect } from './ticket-effects';
import { PERMANENT_MAIL_FAILURE, TICKET_ACTIVITY_TIMEOUT_MS } from './activity-contracts';
import { failureReason } from './failure-reason';

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

export interface EffectContext {
  number: string;
  /** `<number>:<sequence>`: the idempotency key of the next record. */
  nextKey: () => string;
  /** Brings the read model up to date; the replies and notices read the ticket from it. */
  recordTicket: () => Promise<void>;
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
      return patched(SLA_RECORDS_LOCAL) ? slaRecordActivities.recordSlaEvent(record) : ticketActivities.recordSlaEvent(record);
    }
    case 'receiptNotice': {
      await ctx.recordTicket();
      const articleId = await ticketActivities.composeReceiptNotice({ number: ctx.number, key: ctx.nextKey(), author: effect.author });
      return mail(articleId, ctx);
    }
    case 'answer': {
      await ctx.recordTicket();
      const articleId = await ticketActivities.composeAnswer({ number: ctx.number, key: ctx.nextKey(), author: effect.author, memoId: effect.memoId });
      return mail(articleId, ctx);
    }
    case 'trainSpam':
      // Tickets marked as spam before the filter learnt from it did not train.
      if (!patched('train-spam-on-mark')) return;
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
  if (!patched('outbound-mail')) return;
  await settle(`mail of article ${articleId}`, () => ticketActivities.sendArticleMail({ articleId }), ctx);
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
    if (!(error instanceof ActivityFailure)) throw error;
    const reason = failureReason(error);
    log.error(`ticket ${ctx.number}: ${what} could not be carried out: ${reason}`);
    try {
      await ticketActivities.recordTicketEvent({ kind: 'record_failed', detail: { what, reason }, key: ctx.nextKey(), number: ctx.number, at: now() });
    } catch (again) {
      if (!(again instanceof ActivityFailure)) throw again;
      log.error(`ticket ${ctx.number}: the failure of ${what} could not be recorded either: ${failureReason(again)}`);
    }
  }
}


/** A mail that cannot go out for good is on the ticket's record; the ticket goes on. */
async function settle(what: string, send: () => Promise<unknown>, ctx: EffectContext): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    // The mail activity already wrote why the server refused it.
    if (error.cause instanceof ApplicationFailure && error.cause.type === PERMANENT_MAIL_FAILURE) return;
    await ticketActivities.recordTicketEvent({ kind: 'mail_failed', detail: { what, reason: failureReason(error) }, key: ctx.nextKey(), number: ctx.number, at: now() });
  }
}
