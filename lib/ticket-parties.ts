// The parties of a ticket opened over the API (phone, web): what the request
// names, and for the rest the same rules as for mail (ticket-parties-rules.ts)
// from the requester's address, the Cc list and the subject.
import type { Kysely } from 'kysely';
import { decideParties, partnerNumberOf } from '../activities/intake/ticket-parties-rules';
import { accountById } from '../db/accounts';
import { ensureContact } from '../db/contacts';
import { invalid } from '../db/customer-errors';
import type { Database } from '../db/schema';
import { partyLookups, recordParties } from '../db/ticket-parties';
import type { Customer } from '../workflows/ticket-types';

interface RequestedParties {
  requester?: { email: string; name?: string };
  account?: string;
  endCustomer?: { name?: string; organisation?: string };
  partnerTicketNumber?: string;
  cc?: readonly string[];
}

/** Refuses a request naming what does not exist, before a ticket is opened for it. */
export async function checkRequestedParties(db: Kysely<Database>, requested: RequestedParties): Promise<void> {
  if (requested.account !== undefined && !(await accountById(db, requested.account))) throw invalid(`account: no account ${requested.account}`);
}

export async function recordRequestedParties(
  db: Kysely<Database>,
  ticketNumber: string,
  ticket: { customer: Customer; subject: string },
  requested: RequestedParties,
): Promise<void> {
  const requester = requested.requester ?? ticket.customer;
  const address = requester.email.toLowerCase();
  const cc = [...new Set((requested.cc ?? []).map((a) => a.toLowerCase()))].filter((a) => a !== address);
  const lookups = await partyLookups(db, address, cc);
  const decision = decideParties({ sender: { address, name: requester.name }, to: [], cc, subject: ticket.subject, headers: new Map() }, lookups);
  const contact = lookups.contact ?? (await ensureContact(db, address, requester.name));
  const named = requested.account !== undefined;
  const namedAccount = named ? await accountById(db, requested.account!) : undefined;
  const endCustomer = requested.endCustomer && (requested.endCustomer.name || requested.endCustomer.organisation)
    ? { name: requested.endCustomer.name ?? null, organisation: requested.endCustomer.organisation ?? null }
    : decision.endCustomer;
  await recordParties(db, ticketNumber, {
    requesterContactId: contact.id,
    requesterAddress: address,
    accountId: named ? requested.account! : decision.accountId,
    accountUncertain: named ? false : decision.accountUncertain,
    endCustomer,
    // Named by the request, or found in the subject by the account's pattern.
    partnerTicketNumber:
      requested.partnerTicketNumber ?? (namedAccount ? partnerNumberOf(namedAccount, { subject: ticket.subject, headers: new Map() }) : decision.partnerTicketNumber),
    participants: cc,
  });
}
