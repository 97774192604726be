// A ticket's parties in the console, in a real browser (Debian's chromium
// through playwright-core) on the real product: the ticket page shows the
// requester, account, end customer, partner's number and Cc of a ticket opened
// over the API; an agent corrects an uncertain account from the page (through
// POST /api/tickets/:number/parties in-process), and the page and its history
// show it; the lists narrow to one account; a 400 shows its field next to the
// form; a form posted without the CSRF token is refused and changes nothing.
//
// The database is shared with the other test files: names, addresses and
// subjects carry this run's suffix.
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../db/users';
import { launchBrowser, screenshotPath, signIn } from '../support/browser';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const run = randomBytes(3).toString('hex');
const PASSWORD = 'console parties password';
const ENGLISH = { locale: 'en-US', extraHTTPHeaders: { 'Accept-Language': 'en' } };
const JAPANESE = { locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja' } };

let stack: TestStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const agent = `parties-agent-${run}`;
let first: { id: string; name: string };
let second: { id: string; name: string };

beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchBrowser();
  await createUser(stack.db, { name: agent, role: 'agent', level: 'L1', password: PASSWORD });
  first = await ok(stack.call('mona', 'POST', '/api/accounts', { name: `First Parties ${run}`, kind: 'direct', domains: [`first-parties-${run}.example`] }), 201);
  second = await ok(stack.call('mona', 'POST', '/api/accounts', { name: `Second Parties ${run}`, kind: 'partner', domains: [`second-parties-${run}.example`] }), 201);
}, 300_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await stack?.stop();
});

async function ok(answer: Promise<{ status: number; body: any }>, status = 200) {
  const { status: got, body } = await answer;
  expect(got, JSON.stringify(body)).toBe(status);
  return body;
}

async function openTicket(fields: Record<string, unknown>): Promise<string> {
  const created = await ok(stack.call('ivan', 'POST', '/api/tickets', { subject: `Parties ${run}`, body: '請求書の宛先が違います', ...fields }), 201);
  const number = created.number as string;
  await eventually(() => stack.db.selectFrom('ticket_parties').select('ticket_number').where('ticket_number', '=', number).executeTakeFirst(), 20_000);
  return number;
}

async function signedIn(language: typeof ENGLISH = ENGLISH): Promise<Page> {
  const context = await browser.newContext({ baseURL: stack.apiUrl, viewport: { width: 1280, height: 900 }, ...language });
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  const page = await context.newPage();
  await signIn(page, agent, PASSWORD, language === JAPANESE ? 'ja' : 'en');
  return page;
}

const fact = (page: Page, id: string) => page.locator(`[data-parties] [data-fact=${id}]`);
const partiesEvents = (number: string) =>
  stack.db.selectFrom('ticket_events').select(['actor', 'detail']).where('ticket_number', '=', number).where('kind', '=', 'partiesChanged').execute();
const listed = async (page: Page, path: string) => {
  await page.goto(path);
  return page.locator('tr[data-number]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
};

describe("a ticket's parties in the console", () => {
  let withAccount: string;
  let otherAccount: string;
  let uncertain: string;

  beforeAll(async () => {
    withAccount = await openTicket({
      customer: { email: `buyer@first-parties-${run}.example`, name: '佐藤花子' },
      account: first.id,
      endCustomer: { organisation: '株式会社エンド', name: '鈴木一郎' },
      partnerTicketNumber: `PT-${run}`,
      cc: [`boss@first-parties-${run}.example`, `it@first-parties-${run}.example`],
    });
    otherAccount = await openTicket({ customer: { email: `someone@second-parties-${run}.example` }, account: second.id });
    // A contact in both accounts, writing with nothing that points to either: the account is uncertain.
    const consultant = await ok(stack.call('adam', 'POST', '/api/contacts', { emails: [`consultant@freelance-${run}.example`], name: 'Consultant' }), 201);
    await ok(stack.call('mona', 'POST', '/api/memberships', { contact: consultant.id, account: first.id }), 201);
    await ok(stack.call('mona', 'POST', '/api/memberships', { contact: consultant.id, account: second.id }), 201);
    uncertain = await openTicket({ customer: { email: `consultant@freelance-${run}.example` } });
    expect((await ok(stack.call('alice', 'GET', `/api/tickets/${uncertain}/parties`))).accountUncertain).toBe(true);
  });

  it('shows the requester, account, end customer, partner number and Cc of a ticket opened with them', async () => {
    const page = await signedIn();
    await page.goto(`/tickets/${withAccount}`);
    await expect.poll(() => fact(page, 'requester').textContent()).toBe(`佐藤花子 <buyer@first-parties-${run}.example>`);
    expect(await fact(page, 'account').textContent()).toContain(`First Parties ${run} (direct)`);
    expect(await fact(page, 'account').getAttribute('data-account-id')).toBe(first.id);
    expect(await fact(page, 'endCustomer').textContent()).toBe('株式会社エンド / 鈴木一郎');
    expect(await fact(page, 'partnerTicketNumber').textContent()).toBe(`PT-${run}`);
    expect(await fact(page, 'cc').textContent()).toBe(`boss@first-parties-${run}.example, it@first-parties-${run}.example`);
    expect(await page.locator('[data-account-uncertain]').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('parties-box-en'), fullPage: true });
  });

  it('warns when the account is uncertain; an agent chooses one from the page, which then shows it, and the history says so', async () => {
    const page = await signedIn(JAPANESE);
    await page.goto(`/tickets/${uncertain}`);
    expect(await page.locator('[data-account-uncertain]').textContent()).toContain('アカウント未確定');
    // The form is open while the account is uncertain.
    const form = page.locator('form[data-action=parties]');
    await form.locator('select[name=account]').selectOption(second.id);
    await form.getByRole('button', { name: '訂正を保存' }).click();
    await expect.poll(() => fact(page, 'account').getAttribute('data-account-id')).toBe(second.id);
    expect(await fact(page, 'account').textContent()).toContain(`Second Parties ${run} (partner)`);
    expect(await page.locator('[data-account-uncertain]').count()).toBe(0);
    // The thread shows the history line, and the history has exactly one, by this agent.
    const line = page.locator('[data-event=partiesChanged]');
    await expect.poll(() => line.count()).toBe(1);
    expect(await line.textContent()).toContain(`アカウント: — → Second Parties ${run}`);
    const events = await partiesEvents(uncertain);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: agent, detail: { changed: ['account', 'accountUncertain'], after: { account: { id: second.id }, accountUncertain: false } } });
    // Only the account was changed: the requester and the (empty) Cc were not sent.
    const parties = await ok(stack.call('alice', 'GET', `/api/tickets/${uncertain}/parties`));
    expect(parties).toMatchObject({ account: { id: second.id }, accountUncertain: false, cc: [], requester: { address: `consultant@freelance-${run}.example` } });
    await page.screenshot({ path: screenshotPath('parties-corrected-ja'), fullPage: true });
  });

  it("shows the API's 400 with its field next to the form and changes nothing", async () => {
    const page = await signedIn();
    await page.goto(`/tickets/${withAccount}`);
    await page.locator('[data-parties] summary').click();
    const form = page.locator('form[data-action=parties]');
    await form.locator('input[name=cc]').fill(`boss@first-parties-${run}.example, not an address`);
    await form.getByRole('button', { name: 'Save the correction' }).click();
    const error = page.locator('[data-error=parties]');
    await expect.poll(() => error.count()).toBe(1);
    expect(await error.getAttribute('data-field')).toMatch(/^cc/);
    expect(await error.textContent()).toMatch(/^cc/);
    // What was typed stays in the form, to be corrected.
    expect(await page.locator('form[data-action=parties] input[name=cc]').inputValue()).toContain('not an address');
    expect(await partiesEvents(withAccount)).toHaveLength(0);
    expect((await ok(stack.call('alice', 'GET', `/api/tickets/${withAccount}/parties`))).cc).toHaveLength(2);
  });

  it("narrows the lists to one account's tickets, from the parties box and with the lists' select", async () => {
    const page = await signedIn();
    await page.goto(`/tickets/${withAccount}`);
    await page.locator('[data-account-tickets]').click();
    await page.waitForURL(new RegExp(`/tickets\\?view=search&account=${first.id}$`));
    const ofFirst = await page.locator('tr[data-number]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
    expect(ofFirst).toContain(withAccount);
    expect(ofFirst).not.toContain(otherAccount);
    expect(ofFirst).not.toContain(uncertain);
    // Any list narrows: the new and unassigned tickets of the second account (the corrected one too).
    const newOfSecond = await listed(page, `/tickets?view=new&account=${second.id}`);
    expect(newOfSecond).toEqual(expect.arrayContaining([otherAccount, uncertain]));
    expect(newOfSecond).not.toContain(withAccount);
    // The select on the list keeps the list and changes the account.
    await page.locator('form[data-account-filter] select[name=account]').selectOption(first.id);
    await page.locator('form[data-account-filter] button').click();
    await page.waitForURL(new RegExp(`view=new&account=${first.id}$`));
    const newOfFirst = await page.locator('tr[data-number]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
    expect(newOfFirst).toContain(withAccount);
    expect(newOfFirst).not.toContain(otherAccount);
    // The live refresh of the rows keeps the filter.
    expect(await page.locator('#ticket-list').getAttribute('hx-get')).toContain(`account=${first.id}`);
  });

  it('refuses a parties form posted without the CSRF token (403) and changes nothing', async () => {
    const page = await signedIn();
    await page.goto(`/tickets/${otherAccount}`);
    const form = { account: first.id, accountWas: second.id, cc: `x@second-parties-${run}.example`, ccWas: '', idempotencyKey: `csrf-${run}` };
    const refused = await page.request.post(`/tickets/${otherAccount}/parties`, { form, maxRedirects: 0 });
    expect(refused.status()).toBe(403);
    const forged = await page.request.post(`/tickets/${otherAccount}/parties`, { form: { ...form, _csrf: 'forged' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect(await partiesEvents(otherAccount)).toHaveLength(0);
    expect(await ok(stack.call('alice', 'GET', `/api/tickets/${otherAccount}/parties`))).toMatchObject({ account: { id: second.id }, cc: [] });
    // The page's own token is what makes the same form go through.
    const token = (await page.locator('form[data-action=parties] input[name=_csrf]').getAttribute('value'))!;
    const accepted = await page.request.post(`/tickets/${otherAccount}/parties`, { form: { ...form, _csrf: token }, maxRedirects: 0 });
    expect(accepted.status()).toBe(303);
    expect(await ok(stack.call('alice', 'GET', `/api/tickets/${otherAccount}/parties`))).toMatchObject({ account: { id: first.id }, cc: [`x@second-parties-${run}.example`] });
    expect(await partiesEvents(otherAccount)).toHaveLength(1);
  });
});
