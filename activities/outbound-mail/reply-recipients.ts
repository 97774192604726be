// Who the desk's mail on a ticket goes to: the one place that chooses.
// To: the ticket's customer, and for a partner account also the requester
// (the partner's person, when it is someone else). Cc: the team's list and the
// ticket's participants. Every address once (compared without case); the
// desk's own address never. A customer address that reaches nobody (a mail
// whose sender could not be read) gives way to the requester an agent set.
import { isDeliverable } from '../mail/mail-addresses';

interface TicketRecipients {
  customer: string;
  /** The ticket's recorded parties, when there are any. */
  parties?: { requesterAddress: string; accountKind: 'direct' | 'partner' | null; participants: readonly string[] };
  mailingList?: string;
  supportAddress: string;
}

export function replyRecipients(ticket: TicketRecipients): { to: string[]; cc: string[] } {
  const seen = new Set<string>([ticket.supportAddress.toLowerCase()]);
  const take = (addresses: readonly (string | undefined)[]) => {
    const out: string[] = [];
    for (const address of addresses) {
      if (!address || seen.has(address.toLowerCase())) continue;
      seen.add(address.toLowerCase());
      out.push(address);
    }
    return out;
  };
  const partner = ticket.parties?.accountKind === 'partner' ? ticket.parties.requesterAddress : undefined;
  const customer = isDeliverable(ticket.customer) ? ticket.customer : ticket.parties?.requesterAddress;
  const to = take([customer, partner]);
  const cc = take([ticket.mailingList, ...(ticket.parties?.participants ?? [])]);
  return { to, cc };
}
