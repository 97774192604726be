// Each ticket's parties: its requester (a contact, at one of its addresses),
// its account (or none, flagged when an agent must choose), the end customer
// and the partner's own ticket number for back-support, and further
// participants (Cc) who receive the desk's mail. The ticket's workflow does not
// carry them: they are here, beside the read model, keyed by ticket number.
import type { Kysely } from 'kysely';
import { domainAndParents, domainOf, type PartyAccount, type PartyLookups } from '../activities/intake/ticket-parties-rules';
import { contactIdOfAddress } from './contacts';
import { invalid } from './customer-errors';
import type { AccountKind, ContactLanguage, Database } from './schema';

interface PartiesRecord {
  requesterContactId: string;
  requesterAddress: string;
  accountId: string | null;
  accountUncertain: boolean;
  endCustomer: { name: string | null; organisation: string | null } | null;
  partnerTicketNumber: string | null;
  participants: readonly string[];
}

interface PartiesView {
  ticketNumber: string;
  /** false: nothing was recorded for this ticket (opened before the desk knew parties). */
  recorded: boolean;
  requester: { contactId: string; name: string | null; language: ContactLanguage; address: string; addresses: string[] } | null;
  account: { id: string; name: string; kind: AccountKind } | null;
  accountUncertain: boolean;
  endCustomer: { name: string | null; organisation: string | null } | null;
  partnerTicketNumber: string | null;
  cc: string[];
  version: number;
  updatedAt: string | null;
}

/** What the intake's and the API's rules need to know about these addresses. */
export async function partyLookups(db: Kysely<Database>, sender: string, others: readonly string[]): Promise<PartyLookups> {
  const contactId = await contactIdOfAddress(db, sender);
  const memberships = contactId
    ? (await db.selectFrom('memberships').select('account_id').where('contact_id', '=', contactId).execute()).map((m) => ({ accountId: m.account_id }))
    : [];
  const domains = [...new Set([sender, ...others].flatMap((a) => domainAndParents(domainOf(a))))];
  const owned = domains.length ? await db.selectFrom('account_domains').select(['domain', 'account_id']).where('domain', 'in', domains).execute() : [];
  const accountOfDomain = new Map(owned.map((r) => [r.domain, r.account_id]));
  const ids = [...new Set([...memberships.map((m) => m.accountId), ...owned.map((r) => r.account_id)])];
  const accounts = new Map<string, PartyAccount>();
  if (ids.length) {
    const rows = await db
      .selectFrom('accounts')
      .select(['id', 'kind', 'partner_number_pattern', 'partner_number_header', 'end_customer_header'])
      .where('id', 'in', ids)
      .execute();
    const domainRows = await db.selectFrom('account_domains').select(['domain', 'account_id']).where('account_id', 'in', ids).execute();
    for (const row of rows) {
      accounts.set(row.id, {
        id: row.id,
        kind: row.kind,
        domains: domainRows.filter((d) => d.account_id === row.id).map((d) => d.domain),
        partnerNumberPattern: row.partner_number_pattern,
        partnerNumberHeader: row.partner_number_header,
        endCustomerHeader: row.end_customer_header,
      });
    }
  }
  return { contact: contactId ? { id: contactId } : null, memberships, accounts, accountOfDomain };
}

/**
 * Records a new ticket's parties once: a second call for the same ticket (a
 * retried activity, a repeated request) changes nothing, so neither a retry
 * nor a late intake overwrites an agent's correction. Answers whether this call wrote them.
 */
export async function recordParties(db: Kysely<Database>, ticketNumber: string, record: PartiesRecord): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('ticket_parties')
      .values({
        ticket_number: ticketNumber,
        requester_contact_id: record.requesterContactId,
        requester_address: record.requesterAddress.toLowerCase(),
        account_id: record.accountId,
        account_uncertain: record.accountUncertain,
        end_customer_name: record.endCustomer?.name ?? null,
        end_customer_org: record.endCustomer?.organisation ?? null,
        partner_ticket_number: record.partnerTicketNumber,
      })
      .onConflict((oc) => oc.column('ticket_number').doNothing())
      .returning('ticket_number')
      .executeTakeFirst();
    if (!inserted) return false;
    await insertParticipants(tx, ticketNumber, record.participants);
    return true;
  });
}

async function insertParticipants(db: Kysely<Database>, ticketNumber: string, addresses: readonly string[]): Promise<void> {
  const unique = [...new Set(addresses.map((a) => a.toLowerCase()))];
  if (!unique.length) return;
  await db
    .insertInto('ticket_participants')
    .values(unique.map((address) => ({ ticket_number: ticketNumber, address })))
    .onConflict((oc) => oc.columns(['ticket_number', 'address']).doNothing())
    .execute();
}

export async function partiesOf(db: Kysely<Database>, ticketNumber: string): Promise<PartiesView> {
  const row = await db
    .selectFrom('ticket_parties as p')
    .innerJoin('contacts as c', 'c.id', 'p.requester_contact_id')
    .leftJoin('accounts as a', 'a.id', 'p.account_id')
    .select([
      'p.requester_contact_id',
      'p.requester_address',
      'p.account_id',
      'p.account_uncertain',
      'p.end_customer_name',
      'p.end_customer_org',
      'p.partner_ticket_number',
      'p.version',
      'p.updated_at',
      'c.name as contact_name',
      'c.language as contact_language',
      'a.name as account_name',
      'a.kind as account_kind',
    ])
    .where('p.ticket_number', '=', ticketNumber)
    .executeTakeFirst();
  const cc = (await db.selectFrom('ticket_participants').select('address').where('ticket_number', '=', ticketNumber).orderBy('address').execute()).map((r) => r.address);
  if (!row) {
    return { ticketNumber, recorded: false, requester: null, account: null, accountUncertain: false, endCustomer: null, partnerTicketNumber: null, cc, version: 0, updatedAt: null };
  }
  const addresses = (await db.selectFrom('contact_addresses').select('address').where('contact_id', '=', row.requester_contact_id).orderBy('address').execute()).map((r) => r.address);
  return {
    ticketNumber,
    recorded: true,
    requester: { contactId: row.requester_contact_id, name: row.contact_name, language: row.contact_language, address: row.requester_address, addresses },
    account: row.account_id && row.account_name && row.account_kind ? { id: row.account_id, name: row.account_name, kind: row.account_kind } : null,
    accountUncertain: row.account_uncertain,
    endCustomer: row.end_customer_name || row.end_customer_org ? { name: row.end_customer_name, organisation: row.end_customer_org } : null,
    partnerTicketNumber: row.partner_ticket_number,
    cc,
    version: row.version,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** What choosing a reply's recipients needs (activities/outbound-mail/reply-recipients.ts). */
export async function partiesForMail(
  db: Kysely<Database>,
  ticketNumber: string,
): Promise<{ requesterAddress: string; accountKind: AccountKind | null; participants: string[] } | undefined> {
  const row = await db
    .selectFrom('ticket_parties as p')
    .leftJoin('accounts as a', 'a.id', 'p.account_id')
    .select(['p.requester_address', 'a.kind'])
    .where('p.ticket_number', '=', ticketNumber)
    .executeTakeFirst();
  const participants = (await db.selectFrom('ticket_participants').select('address').where('ticket_number', '=', ticketNumber).orderBy('address').execute()).map((r) => r.address);
  if (!row) return participants.length ? { requesterAddress: '', accountKind: null, participants } : undefined;
  return { requesterAddress: row.requester_address, accountKind: row.kind ?? null, participants };
}

interface PartiesChange {
  requester?: { contactId: string; address: string };
  accountId?: string | null;
  endCustomer?: { name: string | null; organisation: string | null } | null;
  partnerTicketNumber?: string | null;
  /** Replaces the participants. */
  cc?: readonly string[];
}

interface Snapshot {
  requester: string;
  account: { id: string; name: string } | null;
  accountUncertain: boolean;
  endCustomer: { name: string | null; organisation: string | null } | null;
  partnerTicketNumber: string | null;
  cc: string[];
}

/**
 * An agent's correction: the ticket's parties change, and the ticket's history
 * gets one line (kind `partiesChanged`, the actor, the fields before and
 * after), named by the parties' new version so that it is written once. A
 * correction that changes nothing writes nothing. A ticket without recorded
 * parties starts from `fallback` (its customer's contact).
 */
export async function correctParties(
  db: Kysely<Database>,
  ticketNumber: string,
  actor: string,
  change: PartiesChange,
  fallback: { contactId: string; address: string },
): Promise<{ changed: string[] }> {
  return db.transaction().execute(async (tx) => {
    await tx
      .insertInto('ticket_parties')
      .values({ ticket_number: ticketNumber, requester_contact_id: fallback.contactId, requester_address: fallback.address.toLowerCase(), account_id: null })
      .onConflict((oc) => oc.column('ticket_number').doNothing())
      .execute();
    const row = await tx.selectFrom('ticket_parties').selectAll().where('ticket_number', '=', ticketNumber).forUpdate().executeTakeFirstOrThrow();
    const accountName = async (id: string | null) => {
      if (!id) return null;
      const account = await tx.selectFrom('accounts').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
      if (!account) throw invalid(`account: no account ${id}`);
      return { id: account.id, name: account.name };
    };
    const cc = (await tx.selectFrom('ticket_participants').select('address').where('ticket_number', '=', ticketNumber).orderBy('address').execute()).map((r) => r.address);
    const before: Snapshot = {
      requester: row.requester_address,
      account: await accountName(row.account_id),
      accountUncertain: row.account_uncertain,
      endCustomer: row.end_customer_name || row.end_customer_org ? { name: row.end_customer_name, organisation: row.end_customer_org } : null,
      partnerTicketNumber: row.partner_ticket_number,
      cc,
    };
    const newAccount = change.accountId !== undefined ? await accountName(change.accountId) : before.account;
    const after: Snapshot = {
      requester: change.requester ? change.requester.address.toLowerCase() : before.requester,
      account: newAccount,
      // An agent who names the account (or says there is none) has decided.
      accountUncertain: change.accountId !== undefined ? false : before.accountUncertain,
      endCustomer: change.endCustomer !== undefined ? (change.endCustomer?.name || change.endCustomer?.organisation ? change.endCustomer : null) : before.endCustomer,
      partnerTicketNumber: change.partnerTicketNumber !== undefined ? change.partnerTicketNumber : before.partnerTicketNumber,
      cc: change.cc ? [...new Set(change.cc.map((a) => a.toLowerCase()))].sort() : before.cc,
    };
    const changed = (Object.keys(after) as (keyof Snapshot)[]).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
    if (!changed.length) return { changed: [] };

    const version = row.version + 1;
    await tx
      .updateTable('ticket_parties')
      .set({
        requester_contact_id: change.requester?.contactId ?? row.requester_contact_id,
        requester_address: after.requester,
        account_id: after.account?.id ?? null,
        account_uncertain: after.accountUncertain,
        end_customer_name: after.endCustomer?.name ?? null,
        end_customer_org: after.endCustomer?.organisation ?? null,
        partner_ticket_number: after.partnerTicketNumber,
        version,
        updated_at: new Date(),
      })
      .where('ticket_number', '=', ticketNumber)
      .execute();
    if (change.cc) {
      await tx.deleteFrom('ticket_participants').where('ticket_number', '=', ticketNumber).execute();
      await insertParticipants(tx, ticketNumber, after.cc);
    }
    const pick = (snapshot: Snapshot) => Object.fromEntries(changed.map((key) => [key, snapshot[key]]));
    await tx
      .insertInto('ticket_events')
      .values({
        ticket_number: ticketNumber,
        event_key: `${ticketNumber}:partiesChanged:${version}`,
        kind: 'partiesChanged',
        actor,
        detail: JSON.stringify({ changed, before: pick(before), after: pick(after) }),
        at: new Date(),
      })
      .onConflict((oc) => oc.column('event_key').doNothing())
      .execute();
    return { changed };
  });
}
