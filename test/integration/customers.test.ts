// Contacts, accounts and memberships, and each ticket's parties, on the real
// servers: mail through the intake (POST /api/intake/mail) becomes tickets
// with their requester, account, partner's number and end customer; the
// desk's mail reaches the participants; agents correct the parties (a history
// line); `helpdesk customers import` takes CSV files idempotently.
import { runHelpdeskCli, type CliRun } from '../support/cli';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/stack';
import { mailedTicket, startIntakeEnv, SUPPORT, type IntakeEnv } from './mail-intake.support';

let env: IntakeEnv;
/** Per run: every name and domain here is unique in the database all test files share. */
const run = randomBytes(4).toString('hex');

beforeAll(async () => {
  env = await startIntakeEnv();
}, 300_000);

afterAll(async () => {
  await env?.stop();
});

const call = (...args: Parameters<IntakeEnv['stack']['call']>) => env.stack.call(...args);

async function ok(response: Promise<{ status: number; body: any }>, status = 200) {
  const got = await response;
  expect(got.status, JSON.stringify(got.body)).toBe(status);
  return got.body;
}

const b64 = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;

/** A raw mail as a mailer writes it; `headers` are added as they are. */
function rawMail(spec: { from: string; subject: string; cc?: string[]; headers?: Record<string, string>; text?: string }): Buffer {
  const id = `<${randomBytes(8).toString('hex')}.${run}@mailer.example>`;
  const lines = [
    `From: ${spec.from}`,
    `To: ${SUPPORT}`,
    ...(spec.cc?.length ? [`Cc: ${spec.cc.join(', ')}`] : []),
    `Subject: ${b64(spec.subject)}`,
    `Message-ID: ${id}`,
    'Date: Mon, 30 Nov 2026 10:00:00 +0900',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    ...Object.entries(spec.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    '',
    spec.text ?? 'お世話になっております。よろしくお願いいたします。',
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

const parties = (number: string) => ok(call('alice', 'GET', `/api/tickets/${number}/parties`));

async function account(fields: Record<string, unknown>) {
  return ok(call('mona', 'POST', '/api/accounts', fields), 201);
}

async function contact(emails: string[], name?: string) {
  return ok(call('adam', 'POST', '/api/contacts', { emails, ...(name ? { name } : {}) }), 201);
}

async function member(contactId: string, accountId: string, extra: Record<string, unknown> = {}) {
  return ok(call('mona', 'POST', '/api/memberships', { contact: contactId, account: accountId, ...extra }), 201);
}

describe("a partner help desk's mail", () => {
  it('becomes a ticket with the end customer recorded and the partner\'s number searchable', async () => {
    const domain = `partner-${run}.example`;
    const partner = await account({
      name: `Partner desk ${run}`,
      kind: 'partner',
      contract: { plan: 'back-support' },
      domains: [domain],
      partnerNumberPattern: '\\[PD-(\\d+)\\]',
      endCustomerHeader: 'X-End-Customer',
    });
    const person = await contact([`desk@${domain}`], 'Partner Desk');
    await member(person.id, partner.id);

    const partnerNumber = String(Date.now()).slice(-7);
    const number = await mailedTicket(env.stack, 
      rawMail({ from: `Partner Desk <desk@${domain}>`, subject: `[PD-${partnerNumber}] VPN に接続できません`, headers: { 'X-End-Customer': b64('株式会社エービーシー / 鈴木一郎') } }),
    );

    expect(await parties(number)).toMatchObject({
      recorded: true,
      requester: { contactId: person.id, address: `desk@${domain}` },
      account: { id: partner.id, kind: 'partner' },
      accountUncertain: false,
      partnerTicketNumber: partnerNumber,
      endCustomer: { organisation: '株式会社エービーシー', name: '鈴木一郎' },
    });

    const found = await ok(call('alice', 'GET', `/api/tickets?partnerTicketNumber=${partnerNumber}`));
    expect(found.tickets.map((t: any) => t.number)).toEqual([number]);
    const none = await ok(call('alice', 'GET', `/api/tickets?partnerTicketNumber=nothing-${run}`));
    expect(none.tickets).toEqual([]);
  });
});

describe('a mail from a known domain', () => {
  it("lands in the domain's account, its sender a new contact", async () => {
    const domain = `acme-${run}.example`;
    const acme = await account({ name: `Acme ${run}`, kind: 'direct', domains: [domain] });
    const number = await mailedTicket(env.stack, rawMail({ from: `${b64('佐藤花子')} <Sato@${domain}>`, subject: 'ライセンスの更新について' }));

    const got = await parties(number);
    expect(got).toMatchObject({ account: { id: acme.id, name: `Acme ${run}` }, accountUncertain: false, requester: { address: `sato@${domain}`, name: '佐藤花子' } });
    const contacts = await ok(call('alice', 'GET', `/api/contacts?q=sato@${domain}`));
    expect(contacts.contacts).toEqual([expect.objectContaining({ id: got.requester.contactId, addresses: [`sato@${domain}`], memberships: [] })]);
  });
});

describe('a contact in two accounts', () => {
  let consultant: { id: string };
  let first: { id: string };
  let second: { id: string };
  const address = `consultant@freelance-${run}.example`;

  beforeAll(async () => {
    first = await account({ name: `First ${run}`, kind: 'direct', domains: [`first-${run}.example`] });
    second = await account({ name: `Second ${run}`, kind: 'direct', domains: [`second-${run}.example`] });
    consultant = await contact([address], 'Consultant');
    await member(consultant.id, first.id);
    await member(consultant.id, second.id, { role: 'manager', seesAll: true });
  });

  it("gets the account the mail's context names (a domain in Cc)", async () => {
    const number = await mailedTicket(env.stack, rawMail({ from: address, subject: '定期点検の日程', cc: [`kimura@second-${run}.example`] }));
    expect(await parties(number)).toMatchObject({ account: { id: second.id }, accountUncertain: false, cc: [`kimura@second-${run}.example`] });
    const inSecond = await ok(call('alice', 'GET', `/api/tickets?account=${second.id}`));
    expect(inSecond.tickets.map((t: any) => t.number)).toEqual([number]);
  });

  it('without context, gets no account and the ticket asks an agent', async () => {
    const number = await mailedTicket(env.stack, rawMail({ from: address, subject: '見積もりのお願い' }));
    expect(await parties(number)).toMatchObject({ account: null, accountUncertain: true, requester: { contactId: consultant.id } });
    const flagged = async () => (await ok(call('alice', 'GET', '/api/tickets?accountUncertain=true&limit=500'))).tickets.map((t: any) => t.number);
    expect(await flagged()).toContain(number);

    // The agent decides: the flag goes, and the ticket's history says who changed what.
    const corrected = await ok(call('alice', 'POST', `/api/tickets/${number}/parties`, { account: first.id }));
    expect(corrected).toMatchObject({ changed: ['account', 'accountUncertain'], account: { id: first.id }, accountUncertain: false });
    expect(await flagged()).not.toContain(number);
  });
});

describe("the desk's mail", () => {
  it('goes to the participants in Cc (from the mail and from POST /api/tickets)', async () => {
    const domain = `cc-${run}.example`;
    const fromMail = await mailedTicket(env.stack, rawMail({ from: `tanaka@${domain}`, subject: '請求書の宛先', cc: [`keiri@${domain}`] }));
    const fromApi = await ok(
      call('ivan', 'POST', '/api/tickets', {
        customer: { email: `suzuki@${domain}`, name: '鈴木' },
        subject: '電話での問い合わせ',
        body: 'バックアップが失敗します。',
        cc: [`Boss@${domain}`],
      }),
      201,
    );
    for (const [number, participant, customer] of [
      [fromMail, `keiri@${domain}`, `tanaka@${domain}`],
      [fromApi.number, `boss@${domain}`, `suzuki@${domain}`],
    ]) {
      await ok(call('alice', 'POST', `/api/tickets/${number}/queue`, { queue: 'maintenance-support' }));
      await ok(call('alice', 'POST', `/api/tickets/${number}/acknowledge`, {}));
      const outbox = await eventually(() =>
        env.stack.db.selectFrom('outbound_mail').select(['envelope_to', 'state']).where('ticket_number', '=', number).executeTakeFirst(),
        20_000,
      );
      expect(outbox.envelope_to).toEqual([customer, 'team@desk.test', participant]);
    }
  });

  it("of a partner's ticket opened by phone goes to the partner's person too", async () => {
    const domain = `phone-partner-${run}.example`;
    const partner = await account({ name: `Phone partner ${run}`, kind: 'partner', domains: [domain] });
    const created = await ok(
      call('ivan', 'POST', '/api/tickets', {
        customer: { email: `enduser-${run}@customer.example`, name: 'End User' },
        requester: { email: `agent@${domain}`, name: 'Partner Agent' },
        account: partner.id,
        endCustomer: { organisation: 'Customer KK', name: 'End User' },
        partnerTicketNumber: `P-${run}`,
        subject: '代理店経由の問い合わせ',
        body: 'エンドユーザーの環境で障害が発生しています。',
      }),
      201,
    );
    const number = created.number;
    expect(await parties(number)).toMatchObject({
      requester: { address: `agent@${domain}` },
      account: { id: partner.id, kind: 'partner' },
      endCustomer: { organisation: 'Customer KK', name: 'End User' },
      partnerTicketNumber: `P-${run}`,
    });
    const found = await ok(call('alice', 'GET', `/api/tickets?partnerTicketNumber=P-${run}`));
    expect(found.tickets.map((t: any) => t.number)).toEqual([number]);

    await ok(call('alice', 'POST', `/api/tickets/${number}/queue`, { queue: 'maintenance-support' }));
    await ok(call('alice', 'POST', `/api/tickets/${number}/acknowledge`, {}));
    const outbox = await eventually(() => env.stack.db.selectFrom('outbound_mail').select('envelope_to').where('ticket_number', '=', number).executeTakeFirst(), 20_000);
    expect(outbox.envelope_to).toEqual([`enduser-${run}@customer.example`, `agent@${domain}`, 'team@desk.test']);
  });

  it('refuses a ticket naming an account that does not exist, before opening it', async () => {
    const refused = await call('ivan', 'POST', '/api/tickets', { customer: { email: `x-${run}@example.jp` }, subject: 's', body: 'b', account: '999999999' });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/no account 999999999/);
  });
});

describe("correcting a ticket's parties", () => {
  it('writes the parties and one history line per change, with who and what before and after', async () => {
    const domain = `fix-${run}.example`;
    const target = await account({ name: `Corrected ${run}`, kind: 'partner', domains: [`fixed-${run}.example`] });
    const number = await mailedTicket(env.stack, rawMail({ from: `someone@${domain}`, subject: '誤った宛先' }));
    expect(await parties(number)).toMatchObject({ account: null, accountUncertain: false });

    const change = {
      requester: { email: `right@fixed-${run}.example`, name: 'Right Person' },
      account: target.id,
      endCustomer: { organisation: 'End KK' },
      partnerTicketNumber: `FIX-${run}`,
      cc: [`watcher@${domain}`],
    };
    const corrected = await ok(call('alice', 'POST', `/api/tickets/${number}/parties`, change));
    expect(corrected.changed).toEqual(['requester', 'account', 'endCustomer', 'partnerTicketNumber', 'cc']);
    expect(corrected).toMatchObject({
      requester: { address: `right@fixed-${run}.example`, name: 'Right Person' },
      account: { id: target.id },
      endCustomer: { organisation: 'End KK', name: null },
      partnerTicketNumber: `FIX-${run}`,
      cc: [`watcher@${domain}`],
    });
    // The same correction again changes nothing and writes no second line.
    expect((await ok(call('alice', 'POST', `/api/tickets/${number}/parties`, change))).changed).toEqual([]);
    const cleared = await ok(call('dave', 'POST', `/api/tickets/${number}/parties`, { endCustomer: null }));
    expect(cleared).toMatchObject({ changed: ['endCustomer'], endCustomer: null });

    const lines = await env.stack.db.selectFrom('ticket_events').selectAll().where('ticket_number', '=', number).where('kind', '=', 'partiesChanged').orderBy('id').execute();
    expect(lines.map((l) => [l.actor, l.event_key])).toEqual([
      ['alice', `${number}:partiesChanged:1`],
      ['dave', `${number}:partiesChanged:2`],
    ]);
    expect(lines[0].detail).toMatchObject({
      before: { requester: `someone@${domain}`, account: null, partnerTicketNumber: null, cc: [] },
      after: { requester: `right@fixed-${run}.example`, account: { id: target.id, name: `Corrected ${run}` }, partnerTicketNumber: `FIX-${run}`, cc: [`watcher@${domain}`] },
    });
    expect(lines[1].detail).toEqual({ changed: ['endCustomer'], before: { endCustomer: { organisation: 'End KK', name: null } }, after: { endCustomer: null } });

    const refused = await call('alice', 'POST', `/api/tickets/${number}/parties`, { account: '999999999' });
    expect(refused.status).toBe(400);
    expect((await call('ivan', 'POST', `/api/tickets/${number}/parties`, { partnerTicketNumber: 'x' })).status).toBe(403);
    expect((await call('alice', 'POST', `/api/tickets/${number}/parties`, {})).status).toBe(400);
    expect((await call('alice', 'GET', '/api/tickets/2099010199999/parties')).status).toBe(404);
  });
});

describe('managing accounts, contacts and memberships', () => {
  it('is for managers and admins; the desk reads', async () => {
    expect((await call('alice', 'POST', '/api/accounts', { name: `Nope ${run}`, kind: 'direct' })).status).toBe(403);
    expect((await call('ivan', 'GET', '/api/accounts')).status).toBe(403);
    const created = await account({ name: `Managed ${run}`, kind: 'direct', domains: [`managed-${run}.example`] });
    expect((await call('alice', 'GET', `/api/accounts/${created.id}`)).body).toMatchObject({ name: `Managed ${run}`, domains: [`managed-${run}.example`] });

    const duplicate = await call('mona', 'POST', '/api/accounts', { name: `Managed ${run}`, kind: 'partner' });
    expect(duplicate.status).toBe(409);
    const taken = await call('mona', 'POST', '/api/accounts', { name: `Other ${run}`, kind: 'direct', domains: [`MANAGED-${run}.example`] });
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toMatch(/belongs to the account/);
    const badPattern = await call('mona', 'POST', '/api/accounts', { name: `Pattern ${run}`, kind: 'partner', partnerNumberPattern: 'PD-\\d+' });
    expect(badPattern.status).toBe(400);
    expect(badPattern.body.detail).toMatch(/exactly one capture group/);

    const changed = await ok(call('adam', 'PATCH', `/api/accounts/${created.id}`, { kind: 'partner', addDomains: [`second-managed-${run}.example`], partnerNumberHeader: 'X-Ticket' }));
    expect(changed).toMatchObject({ kind: 'partner', partnerNumberHeader: 'X-Ticket', domains: [`managed-${run}.example`, `second-managed-${run}.example`] });

    const person = await contact([`Person@managed-${run}.example`], 'Person');
    expect(person.addresses).toEqual([`person@managed-${run}.example`]);
    expect((await call('mona', 'POST', '/api/contacts', { emails: [`person@managed-${run}.example`] })).status).toBe(409);
    const renamed = await ok(call('mona', 'PATCH', `/api/contacts/${person.id}`, { name: 'Person Renamed', language: 'en', addEmails: [`p2@managed-${run}.example`] }));
    expect(renamed).toMatchObject({ name: 'Person Renamed', language: 'en', addresses: [`p2@managed-${run}.example`, `person@managed-${run}.example`] });

    expect(await member(person.id, created.id)).toMatchObject({ outcome: 'created', role: 'member', seesAll: false });
    expect(await ok(call('mona', 'POST', '/api/memberships', { contact: person.id, account: created.id, role: 'manager' }))).toMatchObject({ outcome: 'changed', role: 'manager' });
    const members = await ok(call('alice', 'GET', `/api/contacts?account=${created.id}`));
    expect(members.contacts.map((c: any) => c.id)).toEqual([person.id]);
    expect(await ok(call('mona', 'DELETE', `/api/memberships?contact=${person.id}&account=${created.id}`))).toMatchObject({ removed: true });
    expect((await call('mona', 'DELETE', `/api/memberships?contact=${person.id}&account=${created.id}`)).status).toBe(404);
    expect((await call('mona', 'PATCH', '/api/accounts/999999999', { kind: 'direct' })).status).toBe(404);
  });
});

describe('helpdesk customers import', () => {
  const cli = (args: string[]): Promise<CliRun> => runHelpdeskCli(args, { DATABASE_URL: inject('databaseUrl') });

  it('is idempotent, and reports bad rows by line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'customers-'));
    const files = { accounts: path.join(dir, 'accounts.csv'), contacts: path.join(dir, 'contacts.csv'), memberships: path.join(dir, 'memberships.csv') };
    await writeFile(
      files.accounts,
      [
        'name,kind,plan,domains,partner_number_pattern,partner_number_header,end_customer_header',
        `CSV Direct ${run},direct,gold,csv-direct-${run}.example,,,`,
        `"CSV Partner ${run}",partner,back-support,"csv-partner-${run}.example;csv-partner2-${run}.example",\\[CP-(\\d+)\\],X-Partner-Ticket,X-End-Customer`,
        `CSV Bad ${run},reseller,,,,,`,
        `CSV Bad pattern ${run},partner,,,CP-\\d+,,`,
      ].join('\n') + '\n',
    );
    await writeFile(
      files.contacts,
      ['email,name,language', `yamada@csv-direct-${run}.example,山田太郎,ja`, `"desk@csv-partner-${run}.example desk2@csv-partner-${run}.example",Partner Desk,en`, 'not-an-address,Nobody,ja', `x@csv-direct-${run}.example,X,fr`].join('\r\n') + '\r\n',
    );
    await writeFile(
      files.memberships,
      [
        'email,account,role,sees_all',
        `yamada@csv-direct-${run}.example,CSV Direct ${run},manager,yes`,
        `desk@csv-partner-${run}.example,CSV Partner ${run},member,no`,
        `desk2@csv-partner-${run}.example,CSV Direct ${run},,`,
        `ghost@csv-direct-${run}.example,CSV Direct ${run},member,no`,
        `yamada@csv-direct-${run}.example,No such account ${run},member,no`,
      ].join('\n') + '\n',
    );
    const args = ['customers', 'import', '--accounts', files.accounts, '--contacts', files.contacts, '--memberships', files.memberships];

    const first = await cli(args);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toContain('accounts.csv: 2 created, 0 changed, 0 unchanged, 2 bad');
    expect(first.stdout).toContain('accounts.csv: line 4: kind must be direct or partner, not "reseller"');
    expect(first.stdout).toMatch(/accounts\.csv: line 5: partnerNumberPattern must have exactly one capture group/);
    expect(first.stdout).toContain('contacts.csv: 2 created, 0 changed, 0 unchanged, 2 bad');
    expect(first.stdout).toContain('contacts.csv: line 4: "not-an-address" is not a mail address');
    expect(first.stdout).toContain('contacts.csv: line 5: language must be ja or en, not "fr"');
    expect(first.stdout).toContain('memberships.csv: 3 created, 0 changed, 0 unchanged, 2 bad');
    expect(first.stdout).toMatch(/memberships\.csv: line 5: no contact has the address ghost@/);
    expect(first.stdout).toMatch(/memberships\.csv: line 6: no account is named "No such account/);
    expect(first.stderr).toContain('6 rows were not imported');

    const again = await cli(args);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('accounts.csv: 0 created, 0 changed, 2 unchanged, 2 bad');
    expect(again.stdout).toContain('contacts.csv: 0 created, 0 changed, 2 unchanged, 2 bad');
    expect(again.stdout).toContain('memberships.csv: 0 created, 0 changed, 3 unchanged, 2 bad');

    const accounts = await ok(call('mona', 'GET', `/api/accounts?q=CSV Partner ${run}`));
    expect(accounts.accounts).toEqual([
      expect.objectContaining({
        kind: 'partner',
        contract: { plan: 'back-support' },
        domains: [`csv-partner-${run}.example`, `csv-partner2-${run}.example`],
        partnerNumberPattern: '\\[CP-(\\d+)\\]',
        partnerNumberHeader: 'X-Partner-Ticket',
        endCustomerHeader: 'X-End-Customer',
      }),
    ]);
    const desk = await ok(call('mona', 'GET', `/api/contacts?q=desk@csv-partner-${run}.example`));
    expect(desk.contacts).toEqual([
      expect.objectContaining({
        name: 'Partner Desk',
        language: 'en',
        addresses: [`desk2@csv-partner-${run}.example`, `desk@csv-partner-${run}.example`],
        memberships: [
          expect.objectContaining({ accountName: `CSV Direct ${run}`, role: 'member', seesAll: false }),
          expect.objectContaining({ accountName: `CSV Partner ${run}`, role: 'member', seesAll: false }),
        ],
      }),
    ]);

    // Fixed files go in without complaint; what was in already stays as it is.
    await writeFile(files.accounts, ['name,kind,plan', `CSV Direct ${run},direct,platinum`].join('\n') + '\n');
    const fixed = await cli(['customers', 'import', '--accounts', files.accounts]);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('accounts.csv: 0 created, 1 changed, 0 unchanged, 0 bad');
    expect((await ok(call('mona', 'GET', `/api/accounts?q=CSV Direct ${run}`))).accounts[0]).toMatchObject({ contract: { plan: 'platinum' }, domains: [`csv-direct-${run}.example`] });

    // The imported partner's mail is recognised by its pattern, with the partner's number.
    const number = await mailedTicket(env.stack, rawMail({ from: `desk2@csv-partner-${run}.example`, subject: `Re: [CP-31337] 障害`, headers: { 'X-End-Customer': 'Foo Corp / Bar' } }));
    expect(await parties(number)).toMatchObject({ account: { name: `CSV Partner ${run}` }, partnerTicketNumber: '31337', endCustomer: { organisation: 'Foo Corp', name: 'Bar' } });
  });

  it('and the account, contact and member commands add, change and list', async () => {
    const added = await cli(['account', 'add', '--name', `CLI ${run}`, '--kind', 'direct', '--plan', 'silver', '--domain', `cli-${run}.example`]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(new RegExp(`added account \\d+ "CLI ${run}" \\(direct, plan silver, cli-${run}.example\\)`));
    expect((await cli(['contact', 'add', '--email', `one@cli-${run}.example`, '--name', 'One'])).code).toBe(0);
    expect((await cli(['member', 'add', '--contact', `one@cli-${run}.example`, '--account', `CLI ${run}`, '--role', 'manager'])).stdout).toContain(`created: one@cli-${run}.example in CLI ${run} as manager`);
    expect((await cli(['account', 'change', '--name', `CLI ${run}`, '--kind', 'partner', '--partner-number-pattern', '#(\\d+)'])).code).toBe(0);
    expect((await cli(['account', 'change', '--name', `CLI ${run}`, '--sla', '{"P1":{"firstResponse":"30m"}}'])).code).toBe(0);
    const badSla = await cli(['account', 'change', '--name', `CLI ${run}`, '--sla', '{"P1":{"firstResponse":"1d"}}']);
    expect(badSla.code).toBe(1);
    expect(badSla.stderr).toContain('slaOverrides.P1.firstResponse: "1d" uses days');
    expect((await cli(['contact', 'change', '--email', `one@cli-${run}.example`, '--language', 'en', '--add-email', `uno@cli-${run}.example`])).code).toBe(0);
    const list = await cli(['contact', 'list', '--account', `CLI ${run}`]);
    expect(list.stdout).toMatch(new RegExp(`One\\s+en\\s+one@cli-${run}.example uno@cli-${run}.example\\s+CLI ${run} \\(manager\\)`));
    const accounts = await cli(['account', 'list', '--search', `CLI ${run}`]);
    expect(accounts.stdout).toMatch(new RegExp(`CLI ${run}\\s+partner\\s+silver\\s+\\{"P1":\\{"firstResponse":"30m"\\}\\}\\s+cli-${run}.example\\s+subject /#\\(\\\\d\\+\\)/`));
    expect((await cli(['member', 'remove', '--contact', `uno@cli-${run}.example`, '--account', `CLI ${run}`])).code).toBe(0);
    const again = await cli(['member', 'remove', '--contact', `uno@cli-${run}.example`, '--account', `CLI ${run}`]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not in');
    const duplicate = await cli(['account', 'add', '--name', `CLI ${run}`, '--kind', 'direct']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('there is already an account named');
  });
});
