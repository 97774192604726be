// A new ticket from a mail, safe to run again: the number is allocated once per
// mail (kept on its intake row), its parties are recorded once per number, the
// article is the one examineMail stored, and launchTicket is itself safe to repeat.

import { moveArticle } from '../../db/articles';
import { allocateTicketNumber } from '../../db/ticket-numbers';
import { launchTicket, type TicketStarter } from '../../lib/open-ticket';
import type { NewMailTicket } from '../../workflows/mail-intake-types';
import type { OurMailIdentity } from './ignore-rules';
import { mailDesk } from './mail-desk';
import { recordMailParties } from './mail-parties';

export interface MailTicketRequest extends NewMailTicket {
  intakeKey: string;
  articleId: string;
}

export async function openMailTicket(starter: TicketStarter & { ours: OurMailIdentity }, request: MailTicketRequest): Promise<string> {
  const number = await numberFor(starter, request.intakeKey);
  // Its parties before anyone can act on it (the first mail to the customer already reaches its participants).
  await recordMailParties(starter.db, number, request.articleId, request.customer, starter.ours);
  await moveArticle(starter.db, request.articleId, number);
  const desk = await mailDesk(starter, request.articleId);
  await launchTicket(starter, request.articleId, {
    number,
    subject: request.subject,
    customer: request.customer,
    channel: 'email',
    priority: 'P3',
    createdAt: new Date().toISOString(),
    refersTo: request.refersTo,
    suspect: request.suspect,
  }, { desk: desk?.id });
  return number;
}

/**
 * The mail's ticket number: allocated the first time, read back every time after.
 * The allocation commits on its own, so the day's counter row is locked for one
 * statement, not while the intake row is written too (every new ticket of the
 * day goes through that row). Two runs of this step at once (a retry racing a
 * slow first try) both allocate; the first to claim the intake row wins, and
 * the other's number is left unused: a gap in the day's numbers, never a number
 * given twice.
 */
async function numberFor(starter: TicketStarter, intakeKey: string): Promise<string> {
  const opened = () =>
    starter.db.selectFrom('intake_messages').select('opened_ticket_number').where('intake_key', '=', intakeKey).executeTakeFirstOrThrow();
  const before = await opened();
  if (before.opened_ticket_number) return before.opened_ticket_number;
  const number = await allocateTicketNumber(starter.db);
  const claimed = await starter.db
    .updateTable('intake_messages')
    .set({ opened_ticket_number: number })
    .where('intake_key', '=', intakeKey)
    .where('opened_ticket_number', 'is', null)
    .executeTakeFirst();
  if (claimed.numUpdatedRows > 0n) return number;
  return (await opened()).opened_ticket_number!;
}
