// Contacts: the people who write to the desk, each with one or more mail
// addresses (lower-cased, each address one contact's) and a language.
import type { Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { conflict, invalid, isId, isUniqueViolation, normalAddress, notFound, oneLineText } from './customer-errors';
import type { ContactLanguage, Database } from './schema';

export const CONTACT_LANGUAGES = ['ja', 'en'] as const satisfies readonly ContactLanguage[];

export interface ContactView {
  id: string;
  name: string | null;
  language: ContactLanguage;
  addresses: string[];
  memberships: { accountId: string; accountName: string; role: 'member' | 'manager'; seesAll: boolean }[];
  createdAt: string;
}

interface NewContact {
  name?: string | null;
  language?: ContactLanguage;
  addresses: readonly string[];
}

interface ContactChange {
  name?: string | null;
  language?: ContactLanguage;
  /** Replaces the contact's addresses. */
  addresses?: readonly string[];
  addAddresses?: readonly string[];
  removeAddresses?: readonly string[];
}

function language(value: string | undefined): ContactLanguage | undefined {
  if (value === undefined) return undefined;
  if (!(CONTACT_LANGUAGES as readonly string[]).includes(value)) throw invalid(`language must be ${CONTACT_LANGUAGES.join(' or ')}, not "${value}"`);
  return value as ContactLanguage;
}

const addressSet = (addresses: readonly string[]) => [...new Set(addresses.map(normalAddress))];

export async function contactIdOfAddress(db: Kysely<Database>, address: string): Promise<string | undefined> {
  const row = await db.selectFrom('contact_addresses').select('contact_id').where('address', '=', address.trim().toLowerCase()).executeTakeFirst();
  return row?.contact_id;
}

/**
 * The contact of `address`, made (with `name`) when the desk does not know it
 * yet. Safe to run twice and concurrently: the address's uniqueness decides,
 * and a writer that loses rolls its contact back and reads the winner's.
 */
export async function ensureContact(db: Kysely<Database>, address: string, name?: string | null): Promise<{ id: string; created: boolean }> {
  const normal = address.trim().toLowerCase();
  const known = await contactIdOfAddress(db, normal);
  if (known) return { id: known, created: false };
  const lost = Symbol('lost');
  try {
    return await db.transaction().execute(async (tx) => {
      const contact = await tx.insertInto('contacts').values({ name: name?.trim() || null }).returning('id').executeTakeFirstOrThrow();
      const taken = await tx
        .insertInto('contact_addresses')
        .values({ address: normal, contact_id: contact.id })
        .onConflict((oc) => oc.column('address').doNothing())
        .returning('address')
        .executeTakeFirst();
      if (!taken) throw lost;
      return { id: contact.id, created: true };
    });
  } catch (error) {
    if (error !== lost) throw error;
    return { id: (await contactIdOfAddress(db, normal))!, created: false };
  }
}

export async function createContact(db: Kysely<Database>, contact: NewContact): Promise<ContactView> {
  const addresses = addressSet(contact.addresses);
  if (!addresses.length) throw invalid('a contact needs at least one mail address');
  const name = oneLineText(contact.name, 'name');
  const lang = language(contact.language) ?? 'ja';
  const id = await db.transaction().execute(async (tx) => {
    await refuseTaken(tx, addresses);
    const row = await tx.insertInto('contacts').values({ name, language: lang }).returning('id').executeTakeFirstOrThrow();
    await insertAddresses(tx, row.id, addresses);
    return row.id;
  });
  return (await contactById(db, id))!;
}

export async function changeContact(db: Kysely<Database>, id: string, change: ContactChange): Promise<ContactView> {
  await db.transaction().execute(async (tx) => {
    const current = isId(id) ? await tx.selectFrom('contacts').select('id').where('id', '=', id).forUpdate().executeTakeFirst() : undefined;
    if (!current) throw notFound(`no contact ${id}`);
    const set: { name?: string | null; language?: ContactLanguage } = {};
    if (change.name !== undefined) set.name = oneLineText(change.name, 'name');
    const lang = language(change.language);
    if (lang) set.language = lang;
    if (Object.keys(set).length) await tx.updateTable('contacts').set(set).where('id', '=', id).execute();

    const have = (await tx.selectFrom('contact_addresses').select('address').where('contact_id', '=', id).execute()).map((r) => r.address);
    let want = change.addresses ? addressSet(change.addresses) : have;
    if (change.addAddresses) want = [...new Set([...want, ...addressSet(change.addAddresses)])];
    if (change.removeAddresses) {
      const drop = new Set(addressSet(change.removeAddresses));
      want = want.filter((a) => !drop.has(a));
    }
    if (!want.length) throw invalid('a contact needs at least one mail address');
    const adding = want.filter((a) => !have.includes(a));
    const removing = have.filter((a) => !want.includes(a));
    await refuseTaken(tx, adding);
    if (removing.length) await tx.deleteFrom('contact_addresses').where('contact_id', '=', id).where('address', 'in', removing).execute();
    await insertAddresses(tx, id, adding);
  });
  return (await contactById(db, id))!;
}

async function refuseTaken(db: Kysely<Database>, addresses: readonly string[]): Promise<void> {
  if (!addresses.length) return;
  const taken = await db.selectFrom('contact_addresses').select(['address', 'contact_id']).where('address', 'in', addresses).executeTakeFirst();
  if (taken) throw conflict(`${taken.address} is already contact ${taken.contact_id}'s address`);
}

async function insertAddresses(db: Kysely<Database>, contactId: string, addresses: readonly string[]): Promise<void> {
  if (!addresses.length) return;
  try {
    await db.insertInto('contact_addresses').values(addresses.map((address) => ({ address, contact_id: contactId }))).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`one of ${addresses.join(', ')} was just given to another contact`);
    throw error;
  }
}

function contactsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('contacts')
    .select((eb) => [
      'contacts.id',
      'contacts.name',
      'contacts.language',
      'contacts.created_at',
      jsonArrayFrom(eb.selectFrom('contact_addresses').select('address').whereRef('contact_addresses.contact_id', '=', 'contacts.id').orderBy('address')).as('addresses'),
      jsonArrayFrom(
        eb
          .selectFrom('memberships')
          .innerJoin('accounts', 'accounts.id', 'memberships.account_id')
          .select(['memberships.account_id as accountId', 'accounts.name as accountName', 'memberships.role', 'memberships.sees_all as seesAll'])
          .whereRef('memberships.contact_id', '=', 'contacts.id')
          .orderBy('accounts.name'),
      ).as('memberships'),
    ]);
}

type ContactRow = Awaited<ReturnType<ReturnType<typeof contactsQuery>['execute']>>[number];

function view(row: ContactRow): ContactView {
  return {
    id: row.id,
    name: row.name,
    language: row.language,
    addresses: row.addresses.map((a) => a.address),
    memberships: row.memberships.map((m) => ({ accountId: String(m.accountId), accountName: m.accountName, role: m.role, seesAll: m.seesAll })),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function contactById(db: Kysely<Database>, id: string): Promise<ContactView | undefined> {
  if (!isId(id)) return undefined;
  const row = await contactsQuery(db).where('contacts.id', '=', id).executeTakeFirst();
  return row ? view(row) : undefined;
}

export async function contactByAddress(db: Kysely<Database>, address: string): Promise<ContactView | undefined> {
  const id = await contactIdOfAddress(db, address);
  return id ? contactById(db, id) : undefined;
}

/** Contacts by name or address (`q`, part of either), or of one account; sorted by id. */
export async function listContacts(db: Kysely<Database>, options: { q?: string; accountId?: string; limit?: number; after?: string } = {}): Promise<ContactView[]> {
  let query = contactsQuery(db).orderBy('contacts.id').limit(options.limit ?? 100);
  if (options.after) query = query.where('contacts.id', '>', options.after);
  if (options.accountId) {
    query = query.where('contacts.id', 'in', (eb) => eb.selectFrom('memberships').select('contact_id').where('account_id', '=', options.accountId!));
  }
  const q = options.q?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('contacts.name', 'ilike', like),
        eb('contacts.id', 'in', eb.selectFrom('contact_addresses').select('contact_id').where('address', 'like', like.toLowerCase())),
      ]),
    );
  }
  return (await query.execute()).map(view);
}
