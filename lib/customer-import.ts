// Accounts, contacts and memberships from CSV files (one file per kind, a
// header row), parsed by csv-parse. Importing is idempotent: a row the desk
// already holds changes nothing, so the same files imported again report only
// "unchanged". An empty cell leaves the field as it is; the domains and
// addresses a row lists are added (an import never removes any). A row that
// cannot be taken is reported with its line and skipped; the others go in.
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import { accountByName, changeAccount, createAccount, putMembership, type AccountChange, type AccountView } from '../db/accounts';
import { changeContact, contactById, contactIdOfAddress, createContact } from '../db/contacts';
import { CustomerRuleError, invalid, normalAddress, normalDomain } from '../db/customer-errors';
import type { AccountKind, ContactLanguage, Database, MembershipRole } from '../db/schema';

export type ImportKind = 'accounts' | 'contacts' | 'memberships';

const IMPORT_COLUMNS: Record<ImportKind, { required: string[]; optional: string[] }> = {
  accounts: { required: ['name', 'kind'], optional: ['plan', 'domains', 'partner_number_pattern', 'partner_number_header', 'end_customer_header'] },
  contacts: { required: ['email'], optional: ['name', 'language'] },
  memberships: { required: ['email', 'account'], optional: ['role', 'sees_all'] },
};

interface CsvRow {
  /** The line the row starts on (the header is line 1). */
  line: number;
  cells: Record<string, string>;
}

interface BadRow {
  line: number;
  why: string;
}

export interface ImportReport {
  kind: ImportKind;
  file: string;
  created: number;
  changed: number;
  unchanged: number;
  bad: BadRow[];
}

/**
 * The rows of a CSV text, each with the line it starts on, and the rows that
 * are not CSV (a wrong number of cells, an unclosed quote) as bad rows. A
 * header that lacks a required column or names an unknown one makes the whole
 * file bad (line 1).
 */
export function readCsv(text: string | Buffer, kind: ImportKind): { rows: CsvRow[]; bad: BadRow[] } {
  const bad: BadRow[] = [];
  const { required, optional } = IMPORT_COLUMNS[kind];
  let header: string[] = [];
  let records: { record: Record<string, string>; info: { lines: number }; raw: string }[];
  try {
    records = parse(text, {
      bom: true,
      columns: (names: string[]) => (header = names.map((n) => n.trim().toLowerCase())),
      skip_empty_lines: true,
      trim: true,
      info: true,
      raw: true,
      skip_records_with_error: true,
      on_skip: (error: { lines?: number; message: string } | undefined) => {
        if (error) bad.push({ line: error.lines ?? 0, why: error.message });
      },
    }) as typeof records;
  } catch (error) {
    const e = error as { lines?: number; message?: string };
    return { rows: [], bad: [...bad, { line: e.lines ?? 1, why: e.message ?? String(error) }] };
  }
  if (!header.length) return { rows: [], bad: [{ line: 1, why: `the file is empty: it needs a header row (${[...required, ...optional].join(',')})` }] };
  const missing = required.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !required.includes(c) && !optional.includes(c));
  if (missing.length || unknown.length) {
    const why = [
      missing.length ? `the header lacks ${missing.join(', ')}` : '',
      unknown.length ? `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}` : '',
    ].filter(Boolean).join('; ');
    return { rows: [], bad: [{ line: 1, why: `${why} (columns: ${required.join(', ')}; optional: ${optional.join(', ')})` }] };
  }
  const rows = records.map(({ record, info, raw }) => ({ line: info.lines - innerLineBreaks(raw), cells: record }));
  return { rows, bad };
}

/** Line breaks inside a record's raw text (quoted multi-line cells), without the empty lines before it and its own end. */
function innerLineBreaks(raw: string): number {
  const body = raw.replace(/^[\r\n]+/, '').replace(/\r?\n$|\r$/, '');
  return (body.match(/\r\n|\n|\r/g) ?? []).length;
}

const cell = (row: CsvRow, name: string): string | undefined => {
  const value = row.cells[name]?.trim();
  return value ? value : undefined;
};
const list = (value: string | undefined): string[] => (value ? value.split(/[\s;,]+/).filter(Boolean) : []);

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (!(allowed as readonly string[]).includes(lower)) throw invalid(`${what} must be ${allowed.join(' or ')}, not "${value}"`);
  return lower as T;
}

function yesNo(value: string | undefined, what: string): boolean | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (['true', 'yes', 'y', '1'].includes(lower)) return true;
  if (['false', 'no', 'n', '0'].includes(lower)) return false;
  throw invalid(`${what} must be true or false, not "${value}"`);
}

type Outcome = 'created' | 'changed' | 'unchanged';

async function importAccount(db: Kysely<Database>, row: CsvRow): Promise<Outcome> {
  const name = cell(row, 'name');
  if (!name) throw invalid('name is empty');
  const kind = oneOf<AccountKind>(cell(row, 'kind'), ['direct', 'partner'], 'kind');
  const plan = cell(row, 'plan');
  const domains = list(cell(row, 'domains')).map(normalDomain);
  const scalars = {
    partnerNumberPattern: cell(row, 'partner_number_pattern'),
    partnerNumberHeader: cell(row, 'partner_number_header'),
    endCustomerHeader: cell(row, 'end_customer_header'),
  };
  const existing = await accountByName(db, name);
  if (!existing) {
    if (!kind) throw invalid('kind is empty (direct or partner)');
    await createAccount(db, { name, kind, contract: plan ? { plan } : {}, domains, ...scalars });
    return 'created';
  }
  const change: AccountChange = {};
  if (kind && kind !== existing.kind) change.kind = kind;
  if (plan && plan !== existing.contract.plan) change.contract = { ...existing.contract, plan };
  const newDomains = domains.filter((d) => !existing.domains.includes(d));
  if (newDomains.length) change.addDomains = newDomains;
  for (const key of ['partnerNumberPattern', 'partnerNumberHeader', 'endCustomerHeader'] as const) {
    const value = scalars[key];
    if (value !== undefined && value !== (existing as AccountView)[key]) change[key] = value;
  }
  if (!Object.keys(change).length) return 'unchanged';
  await changeAccount(db, existing.id, change);
  return 'changed';
}

async function importContact(db: Kysely<Database>, row: CsvRow): Promise<Outcome> {
  const addresses = [...new Set(list(cell(row, 'email')).map(normalAddress))];
  if (!addresses.length) throw invalid('email is empty');
  const name = cell(row, 'name');
  const language = oneOf<ContactLanguage>(cell(row, 'language'), ['ja', 'en'], 'language');
  const owners = new Set<string>();
  for (const address of addresses) {
    const owner = await contactIdOfAddress(db, address);
    if (owner) owners.add(owner);
  }
  if (owners.size > 1) throw invalid(`the addresses belong to different contacts (${[...owners].join(', ')})`);
  if (!owners.size) {
    await createContact(db, { name, language, addresses });
    return 'created';
  }
  const id = [...owners][0];
  const existing = (await contactById(db, id))!;
  const change = {
    ...(name && name !== existing.name ? { name } : {}),
    ...(language && language !== existing.language ? { language } : {}),
    ...(addresses.some((a) => !existing.addresses.includes(a)) ? { addAddresses: addresses } : {}),
  };
  if (!Object.keys(change).length) return 'unchanged';
  await changeContact(db, id, change);
  return 'changed';
}

async function importMembership(db: Kysely<Database>, row: CsvRow): Promise<Outcome> {
  const email = cell(row, 'email');
  const accountName = cell(row, 'account');
  if (!email) throw invalid('email is empty');
  if (!accountName) throw invalid('account is empty');
  const contactId = await contactIdOfAddress(db, normalAddress(email));
  if (!contactId) throw invalid(`no contact has the address ${email} (add it in the contacts file)`);
  const account = await accountByName(db, accountName);
  if (!account) throw invalid(`no account is named "${accountName}" (add it in the accounts file)`);
  const role = oneOf<MembershipRole>(cell(row, 'role'), ['member', 'manager'], 'role');
  const seesAll = yesNo(cell(row, 'sees_all'), 'sees_all');
  const { outcome } = await putMembership(db, { contactId, accountId: account.id, role, seesAll });
  return outcome;
}

const IMPORTERS: Record<ImportKind, (db: Kysely<Database>, row: CsvRow) => Promise<Outcome>> = {
  accounts: importAccount,
  contacts: importContact,
  memberships: importMembership,
};

/** Imports one file's rows; a refused row is reported and skipped, anything else (the database gone) stops the import. */
export async function importRows(db: Kysely<Database>, kind: ImportKind, file: string, text: string | Buffer): Promise<ImportReport> {
  const { rows, bad } = readCsv(text, kind);
  const report: ImportReport = { kind, file, created: 0, changed: 0, unchanged: 0, bad: [...bad] };
  for (const row of rows) {
    try {
      report[await IMPORTERS[kind](db, row)]++;
    } catch (error) {
      if (!(error instanceof CustomerRuleError)) throw error;
      report.bad.push({ line: row.line, why: error.message });
    }
  }
  report.bad.sort((a, b) => a.line - b.line);
  return report;
}
