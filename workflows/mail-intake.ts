// One incoming mail, taken in exactly once. The workflow's id is the mail's
// intake key (`mail-<hash of its Message-ID, or of its bytes>`), so starting it
// again for the same mail finds this run instead of making a second.
//
// examineMail decides and stores the article; then, as one durable step each:
// a new ticket is opened (its number allocated once per mail), or the ticket is
// signalled from here (a workflow's signal is a command in its history, sent by
// Temporal once), or nothing (spam, ignored). The outcome is recorded last.
//
// Since INTAKE_LOCAL the three steps are local activities: they run in the
// worker that runs this workflow, inside its first workflow task, instead of
// three round trips through the server's task queue each (a mail is taken in
// within one workflow task: a new ticket's intake writes 10 history events, not
// 23, a follow-up's 14, not 22). Each step is
// still safe to run twice, which a local activity may be (a worker that dies
// mid-task has its task run again elsewhere).

import { getExternalWorkflowHandle, log, patched, proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { MailIntakeActivities } from '../activities/intake/intake-activities';
import type { IntakeResult, MailIntakeInput, MailPlan } from './mail-intake-types';
import { customerFollowUpSignal, ticketWorkflowId } from './ticket-messages';
import { failedForGood, failureReason } from './failure-reason';

const STEP_OPTIONS: ActivityOptions = {
  // Short: after a worker dies, its activities are retried elsewhere once this runs out (decoding 25 MB takes well under it).
  startToCloseTimeout: '30 seconds',
  // A database or Temporal outage is waited out: the mail stays in INBOX until it is through.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
};

const INTAKE_LOCAL = 'intake-local-activities';

const regularSteps = proxyActivities<MailIntakeActivities>(STEP_OPTIONS);
const localSteps = proxyLocalActivities<MailIntakeActivities>(STEP_OPTIONS);

export async function mailIntakeWorkflow(input: MailIntakeInput): Promise<IntakeResult> {
  // Histories from before the patch scheduled regular activities: they replay with them.
  const intake = patched(INTAKE_LOCAL) ? localSteps : regularSteps;
  const plan = await examineOrKeep(intake, input);
  const result = await carryOut(intake, input, plan);
  await recordOutcome(intake, input.intakeKey, result);
  return result;
}

// Only failures no retry can fix reach the two catches below (outages are retried inside the calls):
// the mail must still become a ticket, and its intake must end rather than start over and over.

async function examineOrKeep(intake: MailIntakeActivities, input: MailIntakeInput): Promise<MailPlan> {
  try {
    return await intake.examineMail(input);
  } catch (error) {
    if (!failedForGood(error)) throw error;
    return intake.keepUnreadableMail(input, failureReason(error));
  }
}

async function recordOutcome(intake: MailIntakeActivities, intakeKey: string, result: IntakeResult): Promise<void> {
  try {
    await intake.recordIntakeOutcome(intakeKey, result);
  } catch (error) {
    if (!failedForGood(error)) throw error;
    // The workflow's result still holds the outcome: a second take of the mail finds it there.
    log.error(`intake ${intakeKey}: its outcome could not be recorded: ${failureReason(error)}`);
  }
}


async function carryOut(intake: MailIntakeActivities, input: MailIntakeInput, plan: MailPlan): Promise<IntakeResult> {
  switch (plan.kind) {
    case 'spam':
      return { outcome: 'spam', spam: plan.spam };
    case 'ignored':
      return { outcome: 'ignored', reason: plan.reason, ...(plan.number ? { number: plan.number, articleId: plan.articleId } : {}) };
    case 'new': {
      const number = await intake.openMailTicket({ ...plan.ticket, intakeKey: input.intakeKey, articleId: plan.articleId });
      return { outcome: 'ticket', number, articleId: plan.articleId, spam: plan.spam, ...(plan.ticket.refersTo ? { reason: `refers to ${plan.ticket.refersTo}` } : {}) };
    }
    case 'follow-up': {
      try {
        await getExternalWorkflowHandle(ticketWorkflowId(plan.number)).signal(customerFollowUpSignal, { articleId: plan.articleId, channel: 'email' });
        return { outcome: 'follow-up', number: plan.number, articleId: plan.articleId, spam: plan.spam };
      } catch {
        // The ticket's workflow has ended (closed beyond its reopen window): a new ticket refers to it.
        const ticket = { ...plan.ticket, refersTo: plan.number };
        const number = await intake.openMailTicket({ ...ticket, intakeKey: input.intakeKey, articleId: plan.articleId });
        return { outcome: 'ticket', number, articleId: plan.articleId, spam: plan.spam, reason: `refers to ${plan.number}` };
      }
    }
  }
}
