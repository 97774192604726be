// One mail, decided: ignored (our own mail back from a list, an auto-reply, a
// bounce), spam, a follow-up on a ticket, or a new ticket. The article is
// stored here (before anyone refers to it) for everything that becomes one.

import { decodeMail, type DecodedMail, type MailAddress } from '../mail/decode';
import { isReadableAddress, NO_CUSTOMER_ADDRESS } from '../mail/mail-addresses';
import { storableMail, storableText } from '../mail/storable-text';
import { messageForTokens } from '../spam/from-decoded-mail';
import type { SpamFilter } from '../spam/spam-filter';
import type { TicketStarter } from '../../lib/open-ticket';
import { bulkMailNotice, classifyIgnorable, type IgnoreReason, type OurMailIdentity } from './ignore-rules';
import { headerBlockOf } from './intake-key';
import { rawMailOf } from './intake-records';
import type { MailIntakeInput, MailPlan, NewMailTicket, SpamVerdict } from '../../workflows/mail-intake-types';
import { storeIncomingArticle } from './mail-article';
import { candidateMessageIds, candidateTicketNumbers, normalizeMessageId, threadMail, type TicketFacts } from './threading';

export interface IntakeDeps extends TicketStarter {
  spamFilter: SpamFilter;
  /** How to recognise the desk's own mail coming back. */
  ours: OurMailIdentity;
  maxMessageBytes: number;
}

export async function examineMail(deps: IntakeDeps, input: MailIntakeInput): Promise<MailPlan> {
  const raw = await rawMailOf(deps.db, input.rawMessageId);
  const oversize = raw.length > deps.maxMessageBytes;
  const decoded = oversize ? decodeMail(Buffer.concat([headerBlockOf(raw), Buffer.from('\r\n\r\n')])) : decodeMail(raw);
  // From here on every text is one PostgreSQL can store (no NUL, no unpaired surrogate); the raw message keeps the bytes.
  const { mail, removed } = storableMail(decoded);
  const notice = oversize ? oversizeNotice(raw.length, deps.maxMessageBytes, input.rawMessageId) : undefined;
  // Bulk and list mail still becomes a ticket: the agent sees it was sent to many.
  const bulk = mail.notAMail ? null : bulkMailNotice(mail.headers);
  const problems = [...(notice ? [notice] : mail.problems), ...(bulk ? [bulk] : []), ...removed];
  const body = notice;
  const article = (ticketNumber: string | null, kind: 'inquiry' | 'follow_up' | 'note', spam?: SpamVerdict, text = body) =>
    storeIncomingArticle(deps.db, {
      intakeKey: input.intakeKey,
      rawMessageId: input.rawMessageId,
      ticketNumber,
      kind,
      mail,
      body: text,
      fromAddress: readable(mail.from)?.address ?? null,
      spam,
      problems,
    });

  // Bytes that are not a mail have no headers to ignore them by, nor words to judge: an agent looks at them.
  const ignorable = mail.notAMail ? null : classifyIgnorable(mail.headers, deps.ours, raw);
  if (ignorable) return ignoredPlan(deps, ignorable, mail, (number, text) => article(number, 'note', undefined, text));

  // An oversize mail is not opened, so it cannot be scored: it goes to an agent like any other.
  const spam = oversize || mail.notAMail ? undefined : await scoreSpam(deps.spamFilter, mail, input.notSpam);
  if (spam?.outcome === 'spam') return { kind: 'spam', spam };

  const ticket = newTicketOf(mail, spam);
  const decision = await threadingDecision(deps, mail);
  if (decision.kind === 'follow-up') {
    return { kind: 'follow-up', number: decision.number, articleId: await article(decision.number, 'follow_up', spam), ticket, spam };
  }
  const refersTo = decision.refersTo ? { refersTo: decision.refersTo } : {};
  return { kind: 'new', articleId: await article(null, 'inquiry', spam), ticket: { ...ticket, ...refersTo }, spam };
}

function oversizeNotice(size: number, max: number, rawMessageId: string): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return (
    `This mail is ${mb(size)} (${size} bytes), more than the ${mb(max)} the desk opens (MAX_MESSAGE_BYTES). ` +
    `It is kept exactly as it arrived (raw message ${rawMessageId}); only its headers were read.`
  );
}

async function scoreSpam(filter: SpamFilter, mail: DecodedMail, notSpam?: boolean): Promise<SpamVerdict> {
  const scored = await filter.score(messageForTokens(mail));
  const verdict: SpamVerdict = { score: scored.score, outcome: scored.outcome, clues: scored.clues.map((c) => ({ ...c })) };
  // An agent's correction outranks the filter (the filter has been trained ham by then anyway).
  return notSpam && verdict.outcome !== 'ham' ? { ...verdict, outcome: 'ham' } : verdict;
}

/**
 * Only an address read exactly as the sender wrote it may receive the desk's mail:
 * decodeMail leaves out any other (and says so in problems); this guard keeps it so.
 */
function readable(address: MailAddress | null | undefined): MailAddress | null {
  return address && isReadableAddress(address.address) ? address : null;
}

/** The customer is whoever replies reach: Reply-To, else From; without a readable one, nobody (NO_CUSTOMER_ADDRESS) until an agent sets one. */
function newTicketOf(mail: DecodedMail, spam?: SpamVerdict): NewMailTicket {
  const contact = readable(mail.replyTo.find((a) => readable(a))) ?? readable(mail.from);
  // Decoded words may hide line breaks; the subject and name go back into our replies' headers.
  const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim();
  const name = contact?.name ? oneLine(contact.name) : '';
  return {
    // Bytes that are not a mail have no subject: the ticket's says what it is (its article says what was wrong).
    subject: oneLine(mail.subject) || (mail.notAMail ? '(not a mail)' : '(no subject)'),
    customer: { email: (contact?.address ?? NO_CUSTOMER_ADDRESS).toLowerCase(), ...(name ? { name } : {}) },
    ...(spam?.outcome === 'unsure' ? { suspect: { score: spam.score } } : {}),
  };
}

async function ignoredPlan(
  deps: IntakeDeps,
  reason: IgnoreReason,
  mail: DecodedMail,
  storeNote: (number: string, text: string) => Promise<string>,
): Promise<MailPlan> {
  const because = `${reason.kind}: ${reason.evidence}`;
  // Read from the raw bytes, not the storable headers: it too must be storable (and usable as a query parameter).
  const originalMessageId = reason.kind === 'bounce' && reason.originalMessageId ? storableText(reason.originalMessageId).text : null;
  if (!originalMessageId) return { kind: 'ignored', reason: because };
  // A bounce belongs to the ticket whose mail bounced: the agent must learn the customer did not get it.
  const bounced = await deps.db
    .selectFrom('articles')
    .select('ticket_number')
    .where('message_id', '=', originalMessageId)
    .where('ticket_number', 'is not', null)
    .executeTakeFirst();
  if (!bounced?.ticket_number) return { kind: 'ignored', reason: because };
  const text = `Delivery failure report for ${originalMessageId}:\n\n${mail.text}`;
  const articleId = await storeNote(bounced.ticket_number, text);
  return { kind: 'ignored', reason: because, number: bounced.ticket_number, articleId };
}

/** The threading rules over what the database knows about the mail's references and tag. */
async function threadingDecision(deps: IntakeDeps, mail: DecodedMail) {
  const forThreading = { from: mail.from?.address ?? '', subject: mail.subject, inReplyTo: mail.inReplyTo, references: mail.references };
  const ids = candidateMessageIds(forThreading);
  const ticketByMessageId = new Map<string, string>();
  if (ids.length) {
    const rows = await deps.db
      .selectFrom('articles')
      .select(['message_id', 'ticket_number'])
      .where('message_id', 'in', ids.map((id) => `<${id}>`))
      .where('ticket_number', 'is not', null)
      .execute();
    for (const row of rows) ticketByMessageId.set(normalizeMessageId(row.message_id!), row.ticket_number!);
  }
  const numbers = candidateTicketNumbers(forThreading, ticketByMessageId);
  const tickets = new Map<string, TicketFacts>();
  if (numbers.length) {
    const rows = await deps.db
      .selectFrom('tickets')
      .select(['number', 'customer_email', 'status', 'closed_at'])
      .where('number', 'in', numbers)
      .execute();
    for (const row of rows) {
      tickets.set(row.number, {
        number: row.number,
        customerEmail: row.customer_email,
        status: row.status as TicketFacts['status'],
        closedAt: row.closed_at ? new Date(row.closed_at).toISOString() : null,
      });
    }
  }
  return threadMail(forThreading, {
    ticketByMessageId,
    tickets,
    // The desk keeps no member lists of customers' mailing lists yet: only the customer's own address counts.
    isListMember: () => false,
    now: Date.now(),
    reopenWindowMs: deps.settings.reopenWindowMs,
  });
}
