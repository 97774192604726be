// A new ticket from a mail, safe to run again: the number is allocated once per
// mail (kept on its intake row), the article is the one examineMail stored, the
// read model row is only written if missing, and a second start of the ticket's
// workflow finds the first.

import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { moveArticle } from '../../db/articles';
import { allocateTicketNumber } from '../../db/ticket-numbers';
import type { ticketWorkflow } from '../../workflows/ticket';
import { newTicketState } from '../../workflows/ticket-rules';
import type { TicketState } from '../../workflows/ticket-types';
import { ticketWorkflowId, type TicketStarter } from '../open-ticket';
import { ticketRecordActivities } from '../ticket-records';
import type { NewMailTicket } from './intake-types';

export interface MailTicketRequest extends NewMailTicket {
  intakeKey: string;
  articleId: string;
}

export async function openMailTicket(starter: TicketStarter, request: MailTicketRequest): Promise<string> {
  const number = await numberFor(starter, request.intakeKey);
  await moveArticle(starter.db, request.articleId, number);
  const opened = newTicketState({
    number,
    subject: request.subject,
    customer: request.customer,
    channel: 'email',
    priority: 'P3',
    createdAt: new Date().toISOString(),
    refersTo: request.refersTo,
    suspect: request.suspect,
  });
  const ticket: TicketState = { ...opened, counts: { ...opened.counts, articles: 1 } };
  // Version 0 never overwrites what the workflow wrote since (a retry after the start).
  await ticketRecordActivities(starter.db).recordTicket({ ...ticket, slaStatus: 'on_track' }, 0);
  try {
    await starter.temporal.workflow.start<typeof ticketWorkflow>('ticketWorkflow', {
      workflowId: ticketWorkflowId(number),
      taskQueue: starter.taskQueue,
      args: [{ ticket, settings: starter.settings, slaPolicy: starter.slaPolicy, firstArticleId: request.articleId }],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return number;
}

/** The mail's ticket number: allocated the first time, read back every time after. */
async function numberFor(starter: TicketStarter, intakeKey: string): Promise<string> {
  return starter.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('intake_messages')
      .select('opened_ticket_number')
      .where('intake_key', '=', intakeKey)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (row.opened_ticket_number) return row.opened_ticket_number;
    const number = await allocateTicketNumber(tx);
    await tx.updateTable('intake_messages').set({ opened_ticket_number: number }).where('intake_key', '=', intakeKey).execute();
    return number;
  });
}
