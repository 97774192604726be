import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { accountById, accountByName, changeAccount, createAccount, listAccounts, putMembership, removeMembership, type AccountChange, type AccountView } from '../db/accounts';
import { changeContact, contactByAddress, contactById, createContact, listContacts, type ContactView } from '../db/contacts';
import { invalid, notFound } from '../db/customer-errors';
import type { AccountKind, ContactLanguage, Database, MembershipRole } from '../db/schema';
import type { Config } from '../lib/config';
import { importRows, type ImportKind, type ImportReport } from '../lib/customer-import';
import { withDatabase } from './database';
import { UsageError } from './token-command';

export const CUSTOMER_USAGE = `npx helpdesk account add --name <name> --kind direct|partner [--plan <plan>] [--sla '{"P1":{"firstResponse":"1h"}}'] [--domain <domain>]... [--partner-number-pattern <regex>] [--partner-number-header <header>] [--end-customer-header <header>]
npx helpdesk account list [--kind direct|partner] [--search <text>]
npx helpdesk account change (--id <id> | --name <name>) [--rename <name>] [--kind direct|partner] [--plan <plan>] [--sla <json>] [--domain <domain>]... [--add-domain <domain>]... [--remove-domain <domain>]... [--partner-number-pattern <regex>] [--partner-number-header <header>] [--end-customer-header <header>]   ('' clears)
npx helpdesk contact add --email <address> [--email <address>]... [--name <name>] [--language ja|en]
npx helpdesk contact list [--account <name>] [--search <text>]
npx helpdesk contact change (--id <id> | --email <address>) [--name <name>] [--language ja|en] [--add-email <address>]... [--remove-email <address>]...
npx helpdesk member add --contact <address> --account <name> [--role member|manager] [--sees-all yes|no]
npx helpdesk member remove --contact <address> --account <name>
npx helpdesk customers import [--accounts <accounts.csv>] [--contacts <contacts.csv>] [--memberships <memberships.csv>]`;

const OPTIONS = {
  id: { type: 'string' },
  name: { type: 'string' },
  rename: { type: 'string' },
  kind: { type: 'string' },
  plan: { type: 'string' },
  sla: { type: 'string' },
  domain: { type: 'string', multiple: true },
  'add-domain': { type: 'string', multiple: true },
  'remove-domain': { type: 'string', multiple: true },
  'partner-number-pattern': { type: 'string' },
  'partner-number-header': { type: 'string' },
  'end-customer-header': { type: 'string' },
  search: { type: 'string' },
  email: { type: 'string', multiple: true },
  'add-email': { type: 'string', multiple: true },
  'remove-email': { type: 'string', multiple: true },
  language: { type: 'string' },
  account: { type: 'string' },
  contact: { type: 'string' },
  role: { type: 'string' },
  'sees-all': { type: 'string' },
  accounts: { type: 'string' },
  contacts: { type: 'string' },
  memberships: { type: 'string' },
} as const;

function options(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

type Values = ReturnType<typeof options>;

/** `--sla '{"P1": {"firstResponse": "1h"}}'`: the contract's SLA targets (checked by the account's rules when written). */
function slaOption(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--sla must be JSON like '{"P1": {"firstResponse": "1h"}}'`);
  }
}

/** `account`, `contact`, `member` and `customers` commands. */
export async function customerCommand(config: Config, command: string, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  const values = options(rest);
  const run = COMMANDS[`${command} ${verb ?? ''}`];
  if (!run) throw new UsageError(`unknown ${command} command ${verb ?? '(none)'}`);
  await withDatabase(config, (db) => run(db, values));
}

const COMMANDS: Record<string, (db: Kysely<Database>, values: Values) => Promise<void>> = {
  async 'account add'(db, v) {
    if (!v.name) throw new UsageError('--name is required');
    if (!v.kind) throw new UsageError('--kind is required (direct or partner)');
    const account = await createAccount(db, {
      name: v.name,
      kind: v.kind as AccountKind,
      contract: { ...(v.plan ? { plan: v.plan } : {}), ...(v.sla ? { slaOverrides: slaOption(v.sla) } : {}) },
      domains: v.domain ?? [],
      partnerNumberPattern: v['partner-number-pattern'],
      partnerNumberHeader: v['partner-number-header'],
      endCustomerHeader: v['end-customer-header'],
    });
    console.log(`added account ${account.id} ${describeAccount(account)}`);
  },

  async 'account list'(db, v) {
    const accounts = await listAccounts(db, { kind: v.kind as AccountKind | undefined, q: v.search, limit: 10_000 });
    printTable(
      ['ID', 'NAME', 'KIND', 'PLAN', 'SLA', 'DOMAINS', 'PARTNER NUMBER', 'END CUSTOMER'],
      accounts.map((a) => [
        a.id,
        a.name,
        a.kind,
        a.contract.plan ?? '-',
        a.contract.slaOverrides ? JSON.stringify(a.contract.slaOverrides) : '-',
        a.domains.join(' ') || '-',
        [a.partnerNumberHeader && `header ${a.partnerNumberHeader}`, a.partnerNumberPattern && `subject /${a.partnerNumberPattern}/`].filter(Boolean).join(', ') || '-',
        a.endCustomerHeader ? `header ${a.endCustomerHeader}` : '-',
      ]),
    );
  },

  async 'account change'(db, v) {
    const account = await findAccount(db, v);
    const change: AccountChange = {};
    if (v.rename !== undefined) change.name = v.rename;
    if (v.kind !== undefined) change.kind = v.kind as AccountKind;
    if (v.plan !== undefined) change.contract = { ...account.contract, plan: v.plan || undefined };
    if (v.sla !== undefined) change.contract = { ...account.contract, ...change.contract, slaOverrides: v.sla ? slaOption(v.sla) : undefined };
    if (v.domain) change.domains = v.domain;
    if (v['add-domain']) change.addDomains = v['add-domain'];
    if (v['remove-domain']) change.removeDomains = v['remove-domain'];
    if (v['partner-number-pattern'] !== undefined) change.partnerNumberPattern = v['partner-number-pattern'];
    if (v['partner-number-header'] !== undefined) change.partnerNumberHeader = v['partner-number-header'];
    if (v['end-customer-header'] !== undefined) change.endCustomerHeader = v['end-customer-header'];
    if (!Object.keys(change).length) throw new UsageError('nothing to change: give --rename, --kind, --plan, --domain, …');
    const changed = await changeAccount(db, account.id, change);
    console.log(`changed account ${changed.id} ${describeAccount(changed)}`);
  },

  async 'contact add'(db, v) {
    if (!v.email?.length) throw new UsageError('--email is required');
    const contact = await createContact(db, { name: v.name, language: v.language as ContactLanguage | undefined, addresses: v.email });
    console.log(`added contact ${contact.id} ${describeContact(contact)}`);
  },

  async 'contact list'(db, v) {
    const account = v.account ? await findAccount(db, { name: v.account }) : undefined;
    const contacts = await listContacts(db, { q: v.search, accountId: account?.id, limit: 10_000 });
    printTable(
      ['ID', 'NAME', 'LANGUAGE', 'ADDRESSES', 'ACCOUNTS'],
      contacts.map((c) => [
        c.id,
        c.name ?? '-',
        c.language,
        c.addresses.join(' '),
        c.memberships.map((m) => `${m.accountName} (${m.role}${m.seesAll ? ', sees all' : ''})`).join('; ') || '-',
      ]),
    );
  },

  async 'contact change'(db, v) {
    const contact = await findContact(db, v.id, v.email?.[0]);
    const change = {
      ...(v.name !== undefined ? { name: v.name } : {}),
      ...(v.language !== undefined ? { language: v.language as ContactLanguage } : {}),
      ...(v['add-email'] ? { addAddresses: v['add-email'] } : {}),
      ...(v['remove-email'] ? { removeAddresses: v['remove-email'] } : {}),
    };
    if (!Object.keys(change).length) throw new UsageError('nothing to change: give --name, --language, --add-email or --remove-email');
    const changed = await changeContact(db, contact.id, change);
    console.log(`changed contact ${changed.id} ${describeContact(changed)}`);
  },

  async 'member add'(db, v) {
    if (!v.contact || !v.account) throw new UsageError('--contact <address> and --account <name> are required');
    const contact = await findContact(db, undefined, v.contact);
    const account = await findAccount(db, { name: v.account });
    const seesAll = v['sees-all'] === undefined ? undefined : yesNo(v['sees-all']);
    const { membership, outcome } = await putMembership(db, { contactId: contact.id, accountId: account.id, role: v.role as MembershipRole | undefined, seesAll });
    console.log(`${outcome}: ${v.contact} in ${account.name} as ${membership.role}${membership.seesAll ? ', sees all of its tickets' : ''}`);
  },

  async 'member remove'(db, v) {
    if (!v.contact || !v.account) throw new UsageError('--contact <address> and --account <name> are required');
    const contact = await findContact(db, undefined, v.contact);
    const account = await findAccount(db, { name: v.account });
    if (!(await removeMembership(db, contact.id, account.id))) throw notFound(`${v.contact} is not in ${account.name}`);
    console.log(`removed ${v.contact} from ${account.name}`);
  },

  async 'customers import'(db, v) {
    const files = (['accounts', 'contacts', 'memberships'] as const).filter((kind) => v[kind] !== undefined);
    if (!files.length) throw new UsageError('give at least one of --accounts, --contacts, --memberships');
    const reports: ImportReport[] = [];
    // Accounts and contacts first: memberships name them.
    for (const kind of files) {
      const file = v[kind]!;
      let text: Buffer;
      try {
        text = await readFile(file);
      } catch (error) {
        throw new Error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      reports.push(await importRows(db, kind as ImportKind, file, text));
    }
    let bad = 0;
    for (const report of reports) {
      console.log(`${path.basename(report.file)}: ${report.created} created, ${report.changed} changed, ${report.unchanged} unchanged, ${report.bad.length} bad`);
      for (const row of report.bad) console.log(`${path.basename(report.file)}: line ${row.line}: ${row.why}`);
      bad += report.bad.length;
    }
    if (bad) throw new Error(`${bad} row${bad > 1 ? 's were' : ' was'} not imported (listed above); fix ${bad > 1 ? 'them' : 'it'} and import again (rows already in are left as they are)`);
  },
};

async function findAccount(db: Kysely<Database>, v: { id?: string; name?: string }): Promise<AccountView> {
  if (!v.id && !v.name) throw new UsageError('give --id or --name of the account');
  const account = v.id ? await accountById(db, v.id) : await accountByName(db, v.name!);
  if (!account) throw notFound(`no account ${v.id ?? `named "${v.name}"`}`);
  return account;
}

async function findContact(db: Kysely<Database>, id: string | undefined, address: string | undefined): Promise<ContactView> {
  if (!id && !address) throw new UsageError('give --id or --email of the contact');
  const contact = id ? await contactById(db, id) : await contactByAddress(db, address!);
  if (!contact) throw notFound(`no contact ${id ?? `with the address ${address}`}`);
  return contact;
}

function yesNo(value: string): boolean {
  if (['yes', 'true', '1'].includes(value.toLowerCase())) return true;
  if (['no', 'false', '0'].includes(value.toLowerCase())) return false;
  throw invalid(`--sees-all must be yes or no, not "${value}"`);
}

function describeAccount(a: AccountView): string {
  return `"${a.name}" (${a.kind}${a.contract.plan ? `, plan ${a.contract.plan}` : ''}${a.domains.length ? `, ${a.domains.join(' ')}` : ''})`;
}

function describeContact(c: ContactView): string {
  return `${c.name ? `"${c.name}" ` : ''}<${c.addresses.join('> <')}> (${c.language})`;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  for (const line of [header, ...rows]) console.log(line.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}
