// Who a new ticket is for, decided from the mail (or the API's request) and
// what the desk knows about its people and organisations. Pure: the lookups
// are made beforehand (db/ticket-parties.ts) and handed in.
//
// - The requester is the sender's contact (made when new).
// - The account: the requester's only membership; of several, the one the
//   mail's context names (a partner's number pattern or header that matched,
//   then a domain in To/Cc, then the sender's own domain); no context that
//   decides leaves the account open and flags the ticket for an agent. Without
//   a membership, the account whose mail domain the sender's address is in.
// - The partner's ticket number and the end customer, when the account
//   configures where its mail carries them (a subject pattern or a header).

export interface PartyAccount {
  id: string;
  kind: 'direct' | 'partner';
  domains: readonly string[];
  partnerNumberPattern: string | null;
  partnerNumberHeader: string | null;
  endCustomerHeader: string | null;
}

export interface PartyMail {
  /** Whom replies reach (Reply-To, else From): the requester. */
  sender: { address: string; name?: string };
  /** Further addresses the mail came from or went to (From when Reply-To differs, To, Cc). */
  to: readonly string[];
  cc: readonly string[];
  subject: string;
  /** Decoded header values by lower-case name (first value). */
  headers: ReadonlyMap<string, string>;
}

export interface PartyLookups {
  /** The sender's contact, if the desk knows the address. */
  contact: { id: string } | null;
  /** The sender contact's accounts. */
  memberships: readonly { accountId: string }[];
  /** Every account the decision may name: the memberships' and those owning a domain of the mail's addresses. */
  accounts: ReadonlyMap<string, PartyAccount>;
  /** Which account owns a mail domain (exact, lower-case). */
  accountOfDomain: ReadonlyMap<string, string>;
}

export interface PartiesDecision {
  requester: { address: string; name?: string; contactId: string | null };
  accountId: string | null;
  accountUncertain: boolean;
  /** How the account was found, for the history line and the agent. */
  accountReason: string;
  partnerTicketNumber: string | null;
  endCustomer: { name: string | null; organisation: string | null } | null;
}

/** The lower-cased domain of an address ('' when it has none). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? '' : address.slice(at + 1).trim().toLowerCase().replace(/\.$/, '');
}

/** A domain and its parents, most specific first: a.b.example.jp, b.example.jp, example.jp (never a bare TLD). */
export function domainAndParents(domain: string): string[] {
  const labels = domain.split('.').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < labels.length - 1; i++) out.push(labels.slice(i).join('.'));
  return out;
}

/** The account owning the address's domain (or its nearest parent domain). */
export function accountOfAddress(address: string, accountOfDomain: ReadonlyMap<string, string>): string | undefined {
  for (const domain of domainAndParents(domainOf(address))) {
    const account = accountOfDomain.get(domain);
    if (account) return account;
  }
  return undefined;
}

/** Problems with a partner-number pattern, or undefined: it must compile and have exactly one capture group (matched ignoring case). */
export function patternProblem(pattern: string): string | undefined {
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, 'i');
  } catch (error) {
    return `is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`;
  }
  const groups = new RegExp(`${compiled.source}|`, 'i').exec('')!.length - 1;
  return groups === 1 ? undefined : `must have exactly one capture group (it has ${groups})`;
}

/** The partner's ticket number the mail carries for this account: its header first, then its subject pattern. */
export function partnerNumberOf(account: PartyAccount, mail: Pick<PartyMail, 'subject' | 'headers'>): string | null {
  if (account.partnerNumberHeader) {
    const value = oneLine(mail.headers.get(account.partnerNumberHeader.toLowerCase()) ?? '');
    if (value) return value.slice(0, 200);
  }
  if (account.partnerNumberPattern && !patternProblem(account.partnerNumberPattern)) {
    const match = new RegExp(account.partnerNumberPattern, 'i').exec(mail.subject);
    const value = oneLine(match?.[1] ?? '');
    if (value) return value.slice(0, 200);
  }
  return null;
}

/** The end customer from the account's header: `Organisation / Name`, or only the organisation. */
export function endCustomerOf(account: PartyAccount, mail: Pick<PartyMail, 'headers'>): PartiesDecision['endCustomer'] {
  if (!account.endCustomerHeader) return null;
  const value = oneLine(mail.headers.get(account.endCustomerHeader.toLowerCase()) ?? '');
  if (!value) return null;
  const slash = value.search(/\s*[/／]\s*/);
  if (slash === -1) return { organisation: value.slice(0, 300), name: null };
  const organisation = value.slice(0, slash).trim();
  const name = value.slice(slash).replace(/^\s*[/／]\s*/, '').trim();
  return { organisation: organisation.slice(0, 300) || null, name: name.slice(0, 300) || null };
}

export function decideParties(mail: PartyMail, lookups: PartyLookups): PartiesDecision {
  const requester = { address: mail.sender.address.toLowerCase(), ...(mail.sender.name ? { name: mail.sender.name } : {}), contactId: lookups.contact?.id ?? null };
  const { accountId, uncertain, reason } = chooseAccount(mail, lookups);
  const account = accountId ? lookups.accounts.get(accountId) : undefined;
  return {
    requester,
    accountId,
    accountUncertain: uncertain,
    accountReason: reason,
    partnerTicketNumber: account ? partnerNumberOf(account, mail) : null,
    endCustomer: account ? endCustomerOf(account, mail) : null,
  };
}

function chooseAccount(mail: PartyMail, lookups: PartyLookups): { accountId: string | null; uncertain: boolean; reason: string } {
  const memberOf = [...new Set(lookups.memberships.map((m) => m.accountId))].filter((id) => lookups.accounts.has(id));
  if (memberOf.length === 1) return { accountId: memberOf[0], uncertain: false, reason: 'the requester is a member of this account only' };
  if (memberOf.length === 0) {
    const byDomain = accountOfAddress(mail.sender.address, lookups.accountOfDomain);
    if (byDomain && lookups.accounts.has(byDomain)) return { accountId: byDomain, uncertain: false, reason: `the sender's mail domain ${domainOf(mail.sender.address)} is the account's` };
    return { accountId: null, uncertain: false, reason: 'no account knows the sender or the mail domain' };
  }

  // Several: each piece of context narrows the candidates; the first that leaves one decides.
  const others = [...mail.to, ...mail.cc].filter((a) => a.toLowerCase() !== mail.sender.address.toLowerCase());
  const owning = (addresses: readonly string[]) => new Set(addresses.map((a) => accountOfAddress(a, lookups.accountOfDomain)).filter((id): id is string => !!id));
  const inTo = owning(others);
  const ofSender = owning([mail.sender.address]);
  const tests: { reason: string; holds: (account: PartyAccount) => boolean }[] = [
    { reason: "the partner's ticket number in the mail", holds: (account) => partnerNumberOf(account, mail) !== null },
    { reason: "a domain in the mail's To or Cc", holds: (account) => inTo.has(account.id) },
    { reason: "the sender's mail domain", holds: (account) => ofSender.has(account.id) },
  ];
  let candidates = memberOf;
  for (const test of tests) {
    const matched = candidates.filter((id) => test.holds(lookups.accounts.get(id)!));
    if (matched.length === 1) return { accountId: matched[0], uncertain: false, reason: `the requester is in ${memberOf.length} accounts; ${test.reason} names this one` };
    if (matched.length > 1) candidates = matched;
  }
  return { accountId: null, uncertain: true, reason: `the requester is in ${memberOf.length} accounts and the mail does not say which: an agent decides` };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '').trim();
}
