// Which ticket an incoming mail belongs to. A pure decision over facts the caller has
// already fetched, so the rules can be tested without a database:
//
//   const ids = candidateMessageIds(mail);          // SELECT ... WHERE message_id IN (ids)
//   const tag = findTicketTag(mail.subject);         // plus the tickets those rows point to
//   const decision = threadMail(mail, { ticketByMessageId, tickets, isListMember, now, reopenWindowMs });
//
// Order of evidence: In-Reply-To, then References (newest first), then the subject tag.
// Message-IDs are only known to people who received our mail, so they are trusted as
// they are. A subject tag is typed text anyone can copy, so it only counts when the
// sender is the ticket's customer or writes through the customer's mailing list.

import { reopenWindowOver } from '../../workflows/reopen-window';
import type { TicketStatus } from '../../workflows/ticket-types';
import { findTicketTag } from './ticket-tag';

export interface MailForThreading {
  /** The From address. */
  from: string;
  subject: string;
  inReplyTo?: string | null;
  references?: readonly string[];
}

/** What the caller knows about a ticket a candidate points to. */
export interface TicketFacts {
  number: string;
  customerEmail: string;
  /** Mailing lists the customer writes through; such lists often rewrite From to the list address. */
  mailingLists?: readonly string[];
  status: TicketStatus;
  /** ISO timestamp, set when the ticket is closed. */
  closedAt?: string | null;
}

export interface ThreadingLookups {
  /** Message-IDs we stored (normalised by normalizeMessageId) → ticket number. Only candidates need be present. */
  ticketByMessageId: ReadonlyMap<string, string>;
  /** The tickets named by the message-id matches and by the subject tag. A missing number means no such ticket. */
  tickets: ReadonlyMap<string, TicketFacts>;
  /** Whether `address` is a member of one of the ticket's customer mailing lists (prefetched by the caller). */
  isListMember: (ticket: TicketFacts, address: string) => boolean;
  /** Epoch milliseconds. */
  now: number;
  /** How long after closing a follow-up still reopens the ticket. */
  reopenWindowMs: number;
}

export type ThreadingVia = 'in-reply-to' | 'references' | 'subject-tag';

export type NewTicketReason =
  | 'no-reference'
  | 'tag-of-unknown-ticket'
  | 'tag-from-stranger'
  | 'closed-beyond-reopen-window';

export type ThreadingDecision =
  | { kind: 'follow-up'; number: string; via: ThreadingVia }
  | { kind: 'new'; reason: NewTicketReason; refersTo?: string; via?: ThreadingVia };

/** `<abc@host>` and ` abc@host ` are the same Message-ID. The local part stays case-sensitive. */
export function normalizeMessageId(raw: string): string {
  return raw.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
}

function sameAddress(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The Message-IDs worth looking up, most telling first: In-Reply-To, then References newest first. */
export function candidateMessageIds(mail: Pick<MailForThreading, 'inReplyTo' | 'references'>): string[] {
  const ordered = [mail.inReplyTo ?? '', ...[...(mail.references ?? [])].reverse()];
  const ids = ordered.map(normalizeMessageId).filter((id) => id.length > 0);
  return [...new Set(ids)];
}

/** The ticket numbers the caller should fetch facts for: message-id matches plus the subject tag. */
export function candidateTicketNumbers(mail: MailForThreading, ticketByMessageId: ReadonlyMap<string, string>): string[] {
  const numbers = candidateMessageIds(mail)
    .map((id) => ticketByMessageId.get(id))
    .filter((n): n is string => n !== undefined);
  const tagged = findTicketTag(mail.subject);
  if (tagged) numbers.push(tagged);
  return [...new Set(numbers)];
}

function matchByMessageId(mail: MailForThreading, lookups: ThreadingLookups): { ticket: TicketFacts; via: ThreadingVia } | null {
  const inReplyTo = normalizeMessageId(mail.inReplyTo ?? '');
  for (const id of candidateMessageIds(mail)) {
    const number = lookups.ticketByMessageId.get(id);
    const ticket = number === undefined ? undefined : lookups.tickets.get(number);
    if (ticket) return { ticket, via: id === inReplyTo ? 'in-reply-to' : 'references' };
  }
  return null;
}

/** The customer, a list the customer writes through, or a member of such a list. */
function mayWriteToTicket(ticket: TicketFacts, sender: string, isListMember: ThreadingLookups['isListMember']): boolean {
  if (sameAddress(sender, ticket.customerEmail)) return true;
  if ((ticket.mailingLists ?? []).some((list) => sameAddress(list, sender))) return true;
  return isListMember(ticket, sender);
}

function closedBeyondReopenWindow(ticket: TicketFacts, lookups: ThreadingLookups): boolean {
  return ticket.status === 'closed' && reopenWindowOver(ticket.closedAt ?? undefined, lookups.now, lookups.reopenWindowMs);
}

function followUpOrSuccessor(ticket: TicketFacts, via: ThreadingVia, lookups: ThreadingLookups): ThreadingDecision {
  if (closedBeyondReopenWindow(ticket, lookups)) {
    return { kind: 'new', reason: 'closed-beyond-reopen-window', refersTo: ticket.number, via };
  }
  return { kind: 'follow-up', number: ticket.number, via };
}

export function threadMail(mail: MailForThreading, lookups: ThreadingLookups): ThreadingDecision {
  const byId = matchByMessageId(mail, lookups);
  if (byId) return followUpOrSuccessor(byId.ticket, byId.via, lookups);

  const tagged = findTicketTag(mail.subject);
  if (!tagged) return { kind: 'new', reason: 'no-reference' };
  const ticket = lookups.tickets.get(tagged);
  if (!ticket) return { kind: 'new', reason: 'tag-of-unknown-ticket' };
  // A stranger quoting someone else's tag gets a ticket of their own and learns nothing
  // about the tagged one, so no refersTo here.
  if (!mayWriteToTicket(ticket, mail.from, lookups.isListMember)) return { kind: 'new', reason: 'tag-from-stranger' };
  return followUpOrSuccessor(ticket, 'subject-tag', lookups);
}
