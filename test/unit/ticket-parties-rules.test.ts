import { describe, expect, it } from 'vitest';
import {
  accountOfAddress,
  decideParties,
  domainAndParents,
  endCustomerOf,
  partnerNumberOf,
  patternProblem,
  type PartyAccount,
  type PartyLookups,
  type PartyMail,
} from '../../activities/intake/ticket-parties-rules';
import { replyRecipients } from '../../activities/outbound-mail/reply-recipients';
import { isDeliverable } from '../../activities/mail/mail-addresses';
import { readCsv } from '../../lib/customer-import';

const direct: PartyAccount = { id: '1', kind: 'direct', domains: ['acme.co.jp'], partnerNumberPattern: null, partnerNumberHeader: null, endCustomerHeader: null };
const partner: PartyAccount = {
  id: '2',
  kind: 'partner',
  domains: ['partner-desk.jp'],
  partnerNumberPattern: '\\[PD-(\\d+)\\]',
  partnerNumberHeader: 'X-Partner-Ticket',
  endCustomerHeader: 'X-End-Customer',
};
const other: PartyAccount = { id: '3', kind: 'direct', domains: ['other.jp'], partnerNumberPattern: null, partnerNumberHeader: null, endCustomerHeader: null };

function mail(overrides: Partial<PartyMail> = {}): PartyMail {
  return { sender: { address: 'yamada@acme.co.jp', name: '山田' }, to: ['support@desk.test'], cc: [], subject: 'サーバが起動しません', headers: new Map(), ...overrides };
}

function lookups(memberOf: string[], overrides: Partial<PartyLookups> = {}): PartyLookups {
  const all = [direct, partner, other];
  return {
    contact: memberOf.length ? { id: '77' } : null,
    memberships: memberOf.map((accountId) => ({ accountId })),
    accounts: new Map(all.map((a) => [a.id, a])),
    accountOfDomain: new Map(all.flatMap((a) => a.domains.map((d) => [d, a.id] as const))),
    ...overrides,
  };
}

describe('the account of a new ticket', () => {
  it("is the requester's only account", () => {
    const decision = decideParties(mail(), lookups(['3']));
    expect(decision).toMatchObject({ accountId: '3', accountUncertain: false, requester: { address: 'yamada@acme.co.jp', contactId: '77' } });
  });

  it("without a membership, is the account owning the sender's mail domain (or a parent domain)", () => {
    expect(decideParties(mail(), lookups([]))).toMatchObject({ accountId: '1', accountUncertain: false, requester: { contactId: null } });
    expect(decideParties(mail({ sender: { address: 'sato@osaka.acme.co.jp' } }), lookups([]))).toMatchObject({ accountId: '1' });
  });

  it('is none, and not flagged, for a stranger from an unknown domain', () => {
    expect(decideParties(mail({ sender: { address: 'x@unknown.example' } }), lookups([]))).toMatchObject({ accountId: null, accountUncertain: false });
  });

  it("of several, is the one the partner's number in the subject or header names", () => {
    expect(decideParties(mail({ subject: 'Re: [PD-4711] 障害' }), lookups(['1', '2']))).toMatchObject({ accountId: '2', accountUncertain: false, partnerTicketNumber: '4711' });
    const headers = new Map([['x-partner-ticket', 'PT-99']]);
    expect(decideParties(mail({ headers }), lookups(['1', '2']))).toMatchObject({ accountId: '2', partnerTicketNumber: 'PT-99' });
  });

  it("of several, is the one whose domain is in the mail's To or Cc", () => {
    expect(decideParties(mail({ cc: ['boss@other.jp'] }), lookups(['2', '3']))).toMatchObject({ accountId: '3', accountUncertain: false });
  });

  it("of several, is the one of the sender's own domain when nothing else says", () => {
    expect(decideParties(mail(), lookups(['1', '3']))).toMatchObject({ accountId: '1', accountUncertain: false });
  });

  it('of several with no context that decides, is none and flagged for an agent', () => {
    const decision = decideParties(mail({ sender: { address: 'consultant@freelance.example' } }), lookups(['1', '3']));
    expect(decision).toMatchObject({ accountId: null, accountUncertain: true, partnerTicketNumber: null, endCustomer: null });
    expect(decision.accountReason).toMatch(/an agent decides/);
  });

  it('of several where two fit equally, is flagged', () => {
    const decision = decideParties(mail({ sender: { address: 'consultant@freelance.example' }, cc: ['a@acme.co.jp', 'b@other.jp'] }), lookups(['1', '3']));
    expect(decision).toMatchObject({ accountId: null, accountUncertain: true });
  });

  it('narrows step by step: the partner evidence first, then the domains among what is left', () => {
    const second: PartyAccount = { ...partner, id: '4', domains: ['second-desk.jp'] };
    const l = lookups(['2', '4'], {
      accounts: new Map([partner, second].map((a) => [a.id, a])),
      accountOfDomain: new Map([['partner-desk.jp', '2'], ['second-desk.jp', '4']]),
    });
    expect(decideParties(mail({ subject: '[PD-1] x', cc: ['desk@second-desk.jp'] }), l)).toMatchObject({ accountId: '4', partnerTicketNumber: '1' });
  });
});

describe("a partner's mail", () => {
  it('carries its ticket number in the header first, else in the subject', () => {
    expect(partnerNumberOf(partner, { subject: '[PD-12] a', headers: new Map([['x-partner-ticket', ' T-7 ']]) })).toBe('T-7');
    expect(partnerNumberOf(partner, { subject: 'Re: [pd-12] a', headers: new Map() })).toBe('12');
    expect(partnerNumberOf(partner, { subject: 'nothing', headers: new Map() })).toBeNull();
    expect(partnerNumberOf(direct, { subject: '[PD-12]', headers: new Map() })).toBeNull();
  });

  it('names the end customer as "organisation / name", or the organisation alone', () => {
    expect(endCustomerOf(partner, { headers: new Map([['x-end-customer', '株式会社ABC / 鈴木一郎']]) })).toEqual({ organisation: '株式会社ABC', name: '鈴木一郎' });
    expect(endCustomerOf(partner, { headers: new Map([['x-end-customer', '株式会社ABC／鈴木']]) })).toEqual({ organisation: '株式会社ABC', name: '鈴木' });
    expect(endCustomerOf(partner, { headers: new Map([['x-end-customer', 'ABC Corp.']]) })).toEqual({ organisation: 'ABC Corp.', name: null });
    expect(endCustomerOf(partner, { headers: new Map() })).toBeNull();
  });

  it('is recorded with its number and end customer when the partner is the only account', () => {
    const headers = new Map([['x-end-customer', 'ABC / Suzuki']]);
    const decision = decideParties(mail({ sender: { address: 'desk@partner-desk.jp' }, subject: '[PD-555] VPN', headers }), lookups(['2']));
    expect(decision).toMatchObject({ accountId: '2', partnerTicketNumber: '555', endCustomer: { organisation: 'ABC', name: 'Suzuki' } });
  });
});

describe('partner number patterns', () => {
  it('must compile and have exactly one capture group', () => {
    expect(patternProblem('\\[PD-(\\d+)\\]')).toBeUndefined();
    expect(patternProblem('PD-\\d+')).toMatch(/exactly one capture group \(it has 0\)/);
    expect(patternProblem('(a)(b)')).toMatch(/it has 2/);
    expect(patternProblem('([')).toMatch(/not a valid regular expression/);
  });
});

describe('domains', () => {
  it('match from the most specific to the registrable parent, never a bare TLD', () => {
    expect(domainAndParents('a.b.example.jp')).toEqual(['a.b.example.jp', 'b.example.jp', 'example.jp']);
    expect(accountOfAddress('x@mail.acme.co.jp', new Map([['acme.co.jp', '1']]))).toBe('1');
    expect(accountOfAddress('x@jp', new Map([['jp', '1']]))).toBeUndefined();
  });
});

describe("the desk's mail on a ticket", () => {
  const desk = { supportAddress: 'support@desk.test', mailingList: 'team@desk.test' };

  it('goes To the customer with the list and the participants in Cc', () => {
    const parties = { requesterAddress: 'yamada@acme.co.jp', accountKind: 'direct' as const, participants: ['boss@acme.co.jp', 'Yamada@acme.co.jp'] };
    expect(replyRecipients({ customer: 'yamada@acme.co.jp', parties, ...desk })).toEqual({ to: ['yamada@acme.co.jp'], cc: ['team@desk.test', 'boss@acme.co.jp'] });
  });

  it("for a partner account, goes also To the partner's person", () => {
    const parties = { requesterAddress: 'desk@partner-desk.jp', accountKind: 'partner' as const, participants: [] };
    expect(replyRecipients({ customer: 'end@customer.example', parties, ...desk })).toEqual({ to: ['end@customer.example', 'desk@partner-desk.jp'], cc: ['team@desk.test'] });
  });

  it('goes To the requester an agent set when the mail named nobody readable, and to nobody before that', () => {
    const parties = { requesterAddress: 'tanaka@example.jp', accountKind: null, participants: [] };
    expect(replyRecipients({ customer: 'unknown@invalid', parties, ...desk })).toEqual({ to: ['tanaka@example.jp'], cc: ['team@desk.test'] });
    expect(replyRecipients({ customer: 'unknown@invalid', ...desk })).toEqual({ to: [], cc: ['team@desk.test'] });
    expect(isDeliverable('x@mail.invalid')).toBe(false);
    expect(isDeliverable('x@invalid.example.jp')).toBe(true);
  });

  it('is as before for a ticket without parties, and never to the desk itself', () => {
    expect(replyRecipients({ customer: 'c@example.jp', ...desk })).toEqual({ to: ['c@example.jp'], cc: ['team@desk.test'] });
    const parties = { requesterAddress: '', accountKind: null, participants: ['SUPPORT@desk.test'] };
    expect(replyRecipients({ customer: 'c@example.jp', parties, supportAddress: desk.supportAddress })).toEqual({ to: ['c@example.jp'], cc: [] });
  });
});

describe('customer CSV files', () => {
  it('give each row the line it starts on, and bad CSV rows by line', () => {
    const text = 'name,kind,plan\n"Multi\nLine",direct,gold\nbad,row,with,extra\n\nAcme,partner,\n';
    const { rows, bad } = readCsv(text, 'accounts');
    expect(rows.map((r) => [r.line, r.cells.name])).toEqual([
      [2, 'Multi\nLine'],
      [6, 'Acme'],
    ]);
    expect(bad).toEqual([{ line: 4, why: expect.stringMatching(/columns length is 3, got 4/) }]);
  });

  it('refuse a header without the required columns, or with unknown ones', () => {
    expect(readCsv('email,nmae\na@b.jp,x\n', 'contacts').bad).toEqual([{ line: 1, why: expect.stringMatching(/unknown column nmae/) }]);
    expect(readCsv('name\nx\n', 'memberships').bad).toEqual([{ line: 1, why: expect.stringMatching(/lacks email, account/) }]);
    expect(readCsv('', 'accounts').bad).toEqual([{ line: 1, why: expect.stringMatching(/empty/) }]);
  });

  it('read a BOM and CRLF lines as spreadsheets write them', () => {
    const { rows, bad } = readCsv('\uFEFFEmail,Name\r\nyamada@acme.co.jp,山田\r\n', 'contacts');
    expect(bad).toEqual([]);
    expect(rows).toEqual([{ line: 2, cells: { email: 'yamada@acme.co.jp', name: '山田' } }]);
  });
});
