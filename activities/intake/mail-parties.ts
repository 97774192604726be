// A new mail ticket's parties, recorded as soon as its number exists: the
// sender's contact (made when new), the account, the partner's ticket number
// and the end customer (ticket-parties-rules.ts decides), and the mail's other
// recipients as participants. Safe to run again: the first record stands.

import type { Kysely } from 'kysely';
import { ensureContact } from '../../db/contacts';
import type { Database } from '../../db/schema';
import { partyLookups, recordParties } from '../../db/ticket-parties';
import { decodeHeaderValue } from '../mail/header-words';
import { isDeliverable, isReadableAddress } from '../mail/mail-addresses';
import type { OurMailIdentity } from './ignore-rules';
import { decideParties, domainAndParents, domainOf, type PartiesDecision } from './ticket-parties-rules';
import type { Customer } from '../../workflows/ticket-types';

/** A mail copied to more people than this is a circular: its recipients are not made participants. */
const MAX_PARTICIPANTS = 20;

export async function recordMailParties(
  db: Kysely<Database>,
  ticketNumber: string,
  articleId: string,
  customer: Customer,
  ours: OurMailIdentity,
): Promise<PartiesDecision | undefined> {
  const article = await db
    .selectFrom('articles')
    .select(['from_address', 'to_addresses', 'cc_addresses', 'subject', 'headers'])
    .where('id', '=', articleId)
    .executeTakeFirst();
  if (!article) return undefined;
  const sender = customer.email.toLowerCase();
  // A mail that named no sender (or none readable as written) has nobody to record as requester.
  if (!isReadableAddress(sender) || !isDeliverable(sender)) return undefined;

  const headers = new Map<string, string>();
  for (const [name, values] of Object.entries((article.headers ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(values) ? values[0] : values;
    if (typeof first === 'string') headers.set(name.toLowerCase(), decodeHeaderValue(first).text.trim());
  }
  const isOurs = deskAddressTest(ours);
  // Participants get the desk's mail: only addresses read exactly as written (never one the parser rewrote).
  const lower = (list: string[] | null) => (list ?? []).map((a) => a.toLowerCase()).filter((a) => isReadableAddress(a) && !isOurs(a));
  const to = lower(article.to_addresses);
  const cc = lower(article.cc_addresses);
  const from = article.from_address && isReadableAddress(article.from_address) ? article.from_address.toLowerCase() : undefined;
  const others = [...(from && from !== sender && !isOurs(from) ? [from] : []), ...to, ...cc];

  const lookups = await partyLookups(db, sender, others);
  const decision = decideParties({ sender: { address: sender, name: customer.name }, to: [...(from && from !== sender ? [from] : []), ...to], cc, subject: article.subject ?? '', headers }, lookups);
  const contact = lookups.contact ?? (await ensureContact(db, sender, customer.name));
  const participants = [...new Set(others.filter((a) => a !== sender))];
  await recordParties(db, ticketNumber, {
    requesterContactId: contact.id,
    requesterAddress: sender,
    accountId: decision.accountId,
    accountUncertain: decision.accountUncertain,
    endCustomer: decision.endCustomer,
    partnerTicketNumber: decision.partnerTicketNumber,
    participants: participants.length <= MAX_PARTICIPANTS ? participants : [],
  });
  return decision;
}

/** The desk's own addresses and anything at its domains (the team's list, staff): never a ticket's participant. */
function deskAddressTest(ours: OurMailIdentity): (address: string) => boolean {
  const addresses = new Set(ours.supportAddresses.map((a) => a.toLowerCase()));
  const domains = new Set([...ours.supportAddresses.map(domainOf), ...ours.messageIdDomains.map((d) => d.toLowerCase())].filter(Boolean));
  return (address) => addresses.has(address) || domainAndParents(domainOf(address)).some((d) => domains.has(d));
}
