// Accounts (an organisation: a direct customer or a partner help desk, its
// contract, its mail domains and where a partner's mail carries its own ticket
// number and end customer) and memberships (a contact in an account).
import type { Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { patternProblem } from '../activities/intake/ticket-parties-rules';
import { slaOverrideProblems } from '../lib/desks/contract-sla';
import { conflict, invalid, isId, isUniqueViolation, normalDomain, notFound, oneLineText } from './customer-errors';
import type { AccountContract, AccountKind, Database, MembershipRole } from './schema';

export const ACCOUNT_KINDS = ['direct', 'partner'] as const satisfies readonly AccountKind[];
export const MEMBERSHIP_ROLES = ['member', 'manager'] as const satisfies readonly MembershipRole[];

export interface AccountView {
  id: string;
  name: string;
  kind: AccountKind;
  contract: AccountContract;
  domains: string[];
  partnerNumberPattern: string | null;
  partnerNumberHeader: string | null;
  endCustomerHeader: string | null;
  createdAt: string;
}

interface AccountFields {
  name: string;
  kind: AccountKind;
  contract: AccountContract;
  /** Replaces the account's domains. */
  domains: readonly string[];
  partnerNumberPattern: string | null;
  partnerNumberHeader: string | null;
  endCustomerHeader: string | null;
}

export type AccountChange = Partial<AccountFields> & { addDomains?: readonly string[]; removeDomains?: readonly string[] };

const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,75}$/;

function kindOf(value: string): AccountKind {
  if (!(ACCOUNT_KINDS as readonly string[]).includes(value)) throw invalid(`kind must be ${ACCOUNT_KINDS.join(' or ')}, not "${value}"`);
  return value as AccountKind;
}

function headerName(value: string | null | undefined, what: string): string | null {
  const text = oneLineText(value, what, 76);
  if (text !== null && !HEADER_NAME.test(text)) throw invalid(`${what} must be a header name (letters, digits, -), not "${text}"`);
  return text;
}

function pattern(value: string | null | undefined): string | null {
  const text = oneLineText(value, 'partnerNumberPattern', 500);
  if (text === null) return null;
  const problem = patternProblem(text);
  if (problem) throw invalid(`partnerNumberPattern ${problem}`);
  return text;
}

function contract(value: AccountContract | undefined): AccountContract {
  const out: AccountContract = {};
  if (value?.plan !== undefined) {
    const plan = oneLineText(value.plan, 'contract plan', 100);
    if (plan) out.plan = plan;
  }
  if (value?.slaOverrides !== undefined) {
    const problems = slaOverrideProblems(value.slaOverrides);
    if (problems.length) throw invalid(`contract ${problems.join('; ')}`);
    out.slaOverrides = value.slaOverrides;
  }
  return out;
}

/** Checks and normalises the fields given; what is not given stays undefined. */
function checked(fields: Partial<AccountFields>): Partial<AccountFields> {
  const out: Partial<AccountFields> = {};
  if (fields.name !== undefined) {
    const name = oneLineText(fields.name, 'name', 200);
    if (!name) throw invalid('an account needs a name');
    out.name = name;
  }
  if (fields.kind !== undefined) out.kind = kindOf(fields.kind);
  if (fields.contract !== undefined) out.contract = contract(fields.contract);
  if (fields.domains !== undefined) out.domains = [...new Set(fields.domains.map(normalDomain))];
  if (fields.partnerNumberPattern !== undefined) out.partnerNumberPattern = pattern(fields.partnerNumberPattern);
  if (fields.partnerNumberHeader !== undefined) out.partnerNumberHeader = headerName(fields.partnerNumberHeader, 'partnerNumberHeader');
  if (fields.endCustomerHeader !== undefined) out.endCustomerHeader = headerName(fields.endCustomerHeader, 'endCustomerHeader');
  return out;
}

export async function createAccount(db: Kysely<Database>, fields: Partial<AccountFields> & Pick<AccountFields, 'name' | 'kind'>): Promise<AccountView> {
  const account = checked(fields);
  const id = await db.transaction().execute(async (tx) => {
    const named = await tx.selectFrom('accounts').select('id').where('name', '=', account.name!).executeTakeFirst();
    if (named) throw conflict(`there is already an account named "${account.name}" (id ${named.id})`);
    let row;
    try {
      row = await tx
        .insertInto('accounts')
        .values({
          name: account.name!,
          kind: account.kind!,
          contract: JSON.stringify(account.contract ?? {}),
          partner_number_pattern: account.partnerNumberPattern ?? null,
          partner_number_header: account.partnerNumberHeader ?? null,
          end_customer_header: account.endCustomerHeader ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`there is already an account named "${account.name}"`);
      throw error;
    }
    await setDomains(tx, row.id, account.domains ?? []);
    return row.id;
  });
  return (await accountById(db, id))!;
}

export async function changeAccount(db: Kysely<Database>, id: string, change: AccountChange): Promise<AccountView> {
  const fields = checked(change);
  await db.transaction().execute(async (tx) => {
    const current = isId(id) ? await tx.selectFrom('accounts').select('id').where('id', '=', id).forUpdate().executeTakeFirst() : undefined;
    if (!current) throw notFound(`no account ${id}`);
    if (fields.name !== undefined) {
      const named = await tx.selectFrom('accounts').select('id').where('name', '=', fields.name).where('id', '!=', id).executeTakeFirst();
      if (named) throw conflict(`there is already an account named "${fields.name}" (id ${named.id})`);
    }
    const set = {
      ...(fields.name !== undefined ? { name: fields.name } : {}),
      ...(fields.kind !== undefined ? { kind: fields.kind } : {}),
      ...(fields.contract !== undefined ? { contract: JSON.stringify(fields.contract) } : {}),
      ...(fields.partnerNumberPattern !== undefined ? { partner_number_pattern: fields.partnerNumberPattern } : {}),
      ...(fields.partnerNumberHeader !== undefined ? { partner_number_header: fields.partnerNumberHeader } : {}),
      ...(fields.endCustomerHeader !== undefined ? { end_customer_header: fields.endCustomerHeader } : {}),
    };
    if (Object.keys(set).length) await tx.updateTable('accounts').set(set).where('id', '=', id).execute();
    if (fields.domains !== undefined || change.addDomains || change.removeDomains) {
      const have = (await tx.selectFrom('account_domains').select('domain').where('account_id', '=', id).execute()).map((r) => r.domain);
      let want = fields.domains ?? have;
      if (change.addDomains) want = [...new Set([...want, ...change.addDomains.map(normalDomain)])];
      if (change.removeDomains) {
        const drop = new Set(change.removeDomains.map(normalDomain));
        want = want.filter((d) => !drop.has(d));
      }
      await setDomains(tx, id, want);
    }
  });
  return (await accountById(db, id))!;
}

/** The account's domains become exactly `domains`; a domain of another account is refused. */
async function setDomains(db: Kysely<Database>, accountId: string, domains: readonly string[]): Promise<void> {
  if (domains.length) {
    const owned = await db.selectFrom('account_domains').innerJoin('accounts', 'accounts.id', 'account_domains.account_id').select(['domain', 'accounts.name']).where('domain', 'in', domains).where('account_id', '!=', accountId).executeTakeFirst();
    if (owned) throw conflict(`the domain ${owned.domain} belongs to the account "${owned.name}"`);
  }
  const del = db.deleteFrom('account_domains').where('account_id', '=', accountId);
  await (domains.length ? del.where('domain', 'not in', domains) : del).execute();
  if (!domains.length) return;
  try {
    await db
      .insertInto('account_domains')
      .values(domains.map((domain) => ({ domain, account_id: accountId })))
      .onConflict((oc) => oc.column('domain').doNothing())
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`one of ${domains.join(', ')} was just given to another account`);
    throw error;
  }
  // A concurrent writer may have taken a domain between the check and the insert (do nothing hid it).
  const mine = await db.selectFrom('account_domains').select('domain').where('account_id', '=', accountId).execute();
  const missing = domains.filter((d) => !mine.some((r) => r.domain === d));
  if (missing.length) throw conflict(`the domain ${missing[0]} belongs to another account`);
}

function accountsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('accounts')
    .selectAll('accounts')
    .select((eb) => jsonArrayFrom(eb.selectFrom('account_domains').select('domain').whereRef('account_domains.account_id', '=', 'accounts.id').orderBy('domain')).as('domains'));
}

type AccountRow = Awaited<ReturnType<ReturnType<typeof accountsQuery>['execute']>>[number];

function view(row: AccountRow): AccountView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    contract: row.contract ?? {},
    domains: row.domains.map((d) => d.domain),
    partnerNumberPattern: row.partner_number_pattern,
    partnerNumberHeader: row.partner_number_header,
    endCustomerHeader: row.end_customer_header,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function accountById(db: Kysely<Database>, id: string): Promise<AccountView | undefined> {
  if (!isId(id)) return undefined;
  const row = await accountsQuery(db).where('accounts.id', '=', id).executeTakeFirst();
  return row ? view(row) : undefined;
}

export async function accountByName(db: Kysely<Database>, name: string): Promise<AccountView | undefined> {
  const row = await accountsQuery(db).where('accounts.name', '=', name.trim()).executeTakeFirst();
  return row ? view(row) : undefined;
}

/** Accounts by name or domain (`q`, part of either) and kind; sorted by name. */
export async function listAccounts(db: Kysely<Database>, options: { q?: string; kind?: AccountKind; limit?: number } = {}): Promise<AccountView[]> {
  let query = accountsQuery(db).orderBy('accounts.name').limit(options.limit ?? 100);
  if (options.kind) query = query.where('accounts.kind', '=', options.kind);
  const q = options.q?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    query = query.where((eb) =>
      eb.or([eb('accounts.name', 'ilike', like), eb('accounts.id', 'in', eb.selectFrom('account_domains').select('account_id').where('domain', 'like', like.toLowerCase()))]),
    );
  }
  return (await query.execute()).map(view);
}

interface MembershipView {
  contactId: string;
  accountId: string;
  role: MembershipRole;
  seesAll: boolean;
}

/**
 * Puts the contact in the account (or changes its role and sees-all there).
 * Answers whether anything changed: the same membership again changes nothing.
 */
export async function putMembership(
  db: Kysely<Database>,
  membership: { contactId: string; accountId: string; role?: MembershipRole; seesAll?: boolean },
): Promise<{ membership: MembershipView; outcome: 'created' | 'changed' | 'unchanged' }> {
  if (membership.role !== undefined && !(MEMBERSHIP_ROLES as readonly string[]).includes(membership.role)) {
    throw invalid(`role must be ${MEMBERSHIP_ROLES.join(' or ')}, not "${membership.role}"`);
  }
  if (!isId(membership.contactId)) throw notFound(`no contact ${membership.contactId}`);
  if (!isId(membership.accountId)) throw notFound(`no account ${membership.accountId}`);
  return db.transaction().execute(async (tx) => {
    const contact = await tx.selectFrom('contacts').select('id').where('id', '=', membership.contactId).executeTakeFirst();
    if (!contact) throw notFound(`no contact ${membership.contactId}`);
    const account = await tx.selectFrom('accounts').select('id').where('id', '=', membership.accountId).executeTakeFirst();
    if (!account) throw notFound(`no account ${membership.accountId}`);
    const before = await tx
      .selectFrom('memberships')
      .selectAll()
      .where('contact_id', '=', membership.contactId)
      .where('account_id', '=', membership.accountId)
      .forUpdate()
      .executeTakeFirst();
    const role = membership.role ?? before?.role ?? 'member';
    const seesAll = membership.seesAll ?? before?.sees_all ?? false;
    const after: MembershipView = { contactId: membership.contactId, accountId: membership.accountId, role, seesAll };
    if (before && before.role === role && before.sees_all === seesAll) return { membership: after, outcome: 'unchanged' };
    await tx
      .insertInto('memberships')
      .values({ contact_id: membership.contactId, account_id: membership.accountId, role, sees_all: seesAll })
      .onConflict((oc) => oc.columns(['contact_id', 'account_id']).doUpdateSet({ role, sees_all: seesAll }))
      .execute();
    return { membership: after, outcome: before ? 'changed' : 'created' };
  });
}

export async function removeMembership(db: Kysely<Database>, contactId: string, accountId: string): Promise<boolean> {
  if (!isId(contactId) || !isId(accountId)) return false;
  const result = await db.deleteFrom('memberships').where('contact_id', '=', contactId).where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
