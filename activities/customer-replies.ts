import type { Kysely } from 'kysely';
import { writeOutgoingArticle } from '../db/articles';
import type { Database } from '../db/schema';
import { partiesForMail } from '../db/ticket-parties';
import { fromAddressOf, type Desks } from '../lib/desks/desk';
import { formatReplySubject } from './intake/ticket-tag';
import { replyRecipients } from './outbound-mail/reply-recipients';
import { signed } from './signed-answer';
import { customerSalutation, loadTemplate, renderTemplate } from './outbound-mail/templates';

export interface ReplyRequest {
  number: string;
  /** `<number>:<sequence>`: a retried activity writes the article once and returns the same id. */
  key: string;
  author: string;
}

/**
 * The outgoing articles to the customer: the receipt notice and the approved
 * answer, addressed to the customer (and a partner's requester) with the
 * mailing list and the ticket's participants in Cc (reply-recipients.ts). The
 * mail itself is sent from these articles (outbound mail).
 */
export function customerReplyActivities(db: Kysely<Database>, desks: Desks) {
  /** What a reply needs of its ticket, read once: its subject, customer and desk. */
  async function ticketOf(number: string) {
    const ticket = await db.selectFrom('tickets').select(['subject', 'customer_email', 'customer_name', 'desk']).where('number', '=', number).executeTakeFirstOrThrow();
    return { ...ticket, desk: desks.of(ticket.desk) };
  }

  /** `subject` defaults to `Re: [Ticket#<number>] <original subject>`: the article holds the subject as mailed. */
  async function writeReply(request: ReplyRequest, ticket: Awaited<ReturnType<typeof ticketOf>>, kind: 'receipt_notice' | 'answer', body: string, subject?: string): Promise<string> {
    const { desk } = ticket;
    const { to, cc } = replyRecipients({
      customer: ticket.customer_email,
      parties: await partiesForMail(db, request.number),
      mailingList: desk.mailingList,
      supportAddress: fromAddressOf(desk),
    });
    return writeOutgoingArticle(db, {
      ticketNumber: request.number,
      kind,
      author: request.author,
      subject: subject ?? formatReplySubject(request.number, ticket.subject),
      body: kind === 'answer' ? signed(body, desk) : body,
      from: fromAddressOf(desk),
      to,
      cc,
      idempotencyKey: request.key,
    });
  }

  return {
    async composeReceiptNotice(request: ReplyRequest): Promise<string> {
      // A retry finds the article written: the template is not read again.
      const written = await db.selectFrom('articles').select('id').where('idempotency_key', '=', request.key).executeTakeFirst();
      if (written) return written.id;
      const ticket = await ticketOf(request.number);
      const { subject, body } = renderTemplate(await loadTemplate('receipt_notice', ticket.desk.templatesDir), {
        number: request.number,
        subject: ticket.subject,
        owner: request.author,
        customer_name: ticket.customer_name ?? '',
        customer: customerSalutation(ticket.customer_name),
      });
      return writeReply(request, ticket, 'receipt_notice', body, subject);
    },

    async composeAnswer(request: ReplyRequest & { memoId: string }): Promise<string> {
      const memo = await db
        .selectFrom('articles')
        .select(['body', 'kind', 'ticket_number'])
        .where('id', '=', request.memoId)
        .executeTakeFirstOrThrow();
      if (memo.kind !== 'memo' || memo.ticket_number !== request.number) {
        throw new Error(`article ${request.memoId} is not a memo of ticket ${request.number}`);
      }
      return writeReply(request, await ticketOf(request.number), 'answer', memo.body);
    },
  };
}
