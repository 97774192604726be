// The customer portal in a real browser, on the real product: sign-in by a
// one-time link read from the outbox, filing and following a ticket, who sees
// what, and every refusal. All test files share the database: names and
// addresses here carry this run's suffix.
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, putMembership } from '../../db/accounts';
import { createContact } from '../../db/contacts';
import { sha256 } from '../../db/portal-sessions';
import { launchBrowser, screenshotPath } from '../support/browser';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const run = randomBytes(3).toString('hex');
const JAPANESE = { locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja' } };
const ENGLISH = { locale: 'en-US', extraHTTPHeaders: { 'Accept-Language': 'en' } };
const MEMO_SECRET = `memo-secret-${run}`;
const REVIEW_SECRET = `reviewer-secret-${run}`;
const APPROVE_SECRET = `approve-comment-${run}`;
const PHONE_SECRET = `phone-secret-${run}`;

let stack: TestStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const address = (who: string) => `${who}-${run}@cust-${run}.test`;

interface People {
  requester: string;
  manager: string;
  member: string;
  outsider: string;
  partner: string;
}
const people: People = { requester: address('req'), manager: address('mgr'), member: address('mem'), outsider: address('out'), partner: address('ptn') };
let partnerTicket = '';

beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchBrowser();
  const direct = await createAccount(stack.db, { name: `Direct ${run}`, kind: 'direct' });
  const other = await createAccount(stack.db, { name: `Other ${run}`, kind: 'direct' });
  const partner = await createAccount(stack.db, { name: `Partner ${run}`, kind: 'partner' });
  const contact = async (email: string, name: string, language: 'ja' | 'en' = 'ja') => (await createContact(stack.db, { addresses: [email], name, language })).id;
  const ids = {
    requester: await contact(people.requester, '山田 太郎'),
    manager: await contact(people.manager, '佐藤 花子'),
    member: await contact(people.member, 'Plain Member', 'en'),
    outsider: await contact(people.outsider, 'Out Sider', 'en'),
    partner: await contact(people.partner, '提携 一郎'),
  };
  await putMembership(stack.db, { contactId: ids.requester, accountId: direct.id, role: 'member' });
  await putMembership(stack.db, { contactId: ids.manager, accountId: direct.id, role: 'manager' });
  await putMembership(stack.db, { contactId: ids.member, accountId: direct.id, role: 'member' });
  await putMembership(stack.db, { contactId: ids.outsider, accountId: other.id, role: 'manager', seesAll: true });
  await putMembership(stack.db, { contactId: ids.partner, accountId: partner.id, role: 'member' });
  const forwarded = await stack.call('ivan', 'POST', '/api/tickets', {
    customer: { email: people.partner },
    subject: `転送 ${run}`,
    body: 'エンドユーザーからの問い合わせです',
    channel: 'web',
    account: partner.id,
    endCustomer: { name: `End Customer ${run}`, organisation: 'エンド株式会社' },
    partnerTicketNumber: `PT-${run}`,
  });
  expect(forwarded.status).toBe(201);
  partnerTicket = forwarded.body.number;
}, 300_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await stack?.stop();
});

async function newPage(options = JAPANESE): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  contexts.push(context);
  return { context, page: await context.newPage() };
}

/** The sign-in links mailed to `to`, newest first, read from the stored raw mail (format=flowed joined). */
async function linksFor(to: string): Promise<{ url: string; charset: string; raw: string }[]> {
  const rows = await stack.db
    .selectFrom('outbound_mail')
    .select(['raw', 'charset', 'envelope_to'])
    .where('ticket_number', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
  return rows
    .filter((r) => r.envelope_to.includes(to))
    .map((r) => {
      const raw = r.raw.toString('latin1');
      const body = raw.slice(raw.indexOf('\r\n\r\n') + 4).replace(/ \r\n/g, '');
      const match = /(https?:\/\/[^\s]+\/portal\/auth\?token=[A-Za-z0-9_-]+)/.exec(body);
      return { url: match ? match[1] : '', charset: r.charset, raw };
    });
}

/** Other tests' link requests from this address must not slow this one down. */
const forgetRequests = () => stack.db.deleteFrom('portal_link_requests').where('ip', 'in', ['127.0.0.1', '::1', '::ffff:127.0.0.1']).execute();

async function signIn(page: Page, email: string): Promise<string> {
  await forgetRequests();
  await page.goto(`${stack.apiUrl}/portal/login`);
  await page.fill('#email', email);
  await page.click('form[action="/portal/login"] button[type=submit]');
  await page.waitForSelector('#sent');
  const [link] = await eventually(async () => { const l = await linksFor(email); return l.length ? l : undefined; });
  expect(link.url.startsWith(`${stack.apiUrl}/portal/auth?token=`)).toBe(true);
  await page.goto(link.url);
  expect(new URL(page.url()).pathname).toBe('/portal');
  return link.url;
}

const mailSent = (number: string, kind: string) =>
  eventually(async () => {
    const row = await stack.db
      .selectFrom('articles')
      .innerJoin('outbound_mail as m', 'm.article_id', 'articles.id')
      .select('m.state')
      .where('articles.ticket_number', '=', number)
      .where('articles.kind', '=', kind as 'answer')
      .where('m.state', '=', 'sent')
      .executeTakeFirst();
    return row;
  }, 30_000);

describe('the customer portal', () => {
  let ticket = '';
  let usedLink = '';
  let attachmentUrl = '';
  const pagesHtml: string[] = [];

  it('signs a customer in by a link from the outbox; they file an inquiry, see the receipt notice, reply and see the answer', async () => {
    const { page } = await newPage();
    usedLink = await signIn(page, people.requester);
    const [mail] = await linksFor(people.requester);
    expect(mail.charset).toBe('iso-2022-jp');
    expect(mail.raw).toContain('charset=ISO-2022-JP');
    await page.screenshot({ path: screenshotPath('portal-list-ja'), fullPage: true });

    await page.goto(`${stack.apiUrl}/portal/new`);
    await page.fill('#subject', `ログインできません ${run}`);
    await page.fill('#body', 'パスワードを入れてもログインできません。');
    await page.setInputFiles('#files', { name: 'エラー.txt', mimeType: 'text/plain', buffer: Buffer.from('error log') });
    await page.click('form[action="/portal/new"] button[type=submit]');
    await page.waitForURL(/\/portal\/tickets\/\d+$/);
    ticket = page.url().split('/').pop()!;
    await expect(page.textContent('.state')).resolves.toBe('受付済み');
    const link = page.locator('.attachments a', { hasText: 'エラー.txt' });
    attachmentUrl = new URL((await link.getAttribute('href'))!, stack.apiUrl).toString();
    const download = await page.request.get(attachmentUrl);
    expect(download.status()).toBe(200);
    expect(await download.text()).toBe('error log');
    const created = await stack.db.selectFrom('tickets').select('channel').where('number', '=', ticket).executeTakeFirstOrThrow();
    expect(created.channel).toBe('web');
    await page.screenshot({ path: screenshotPath('portal-ticket-ja'), fullPage: true });

    expect((await stack.call('alice', 'POST', `/api/tickets/${ticket}/acknowledge`, {})).status).toBe(200);
    await mailSent(ticket, 'receipt_notice');
    await page.reload();
    await page.waitForSelector('[data-kind=receipt_notice]');
    await expect(page.textContent('.state')).resolves.toBe('対応中');

    await page.fill('#body', `追加情報です ${run}`);
    await page.setInputFiles('#files', { name: 'screen.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
    await page.click('form[action$="/reply"] button[type=submit]');
    await page.waitForSelector(`[data-kind=follow_up]:has-text("追加情報です ${run}")`);
    await expect(page.locator('[data-kind=follow_up] .attachments a', { hasText: 'screen.png' }).count()).resolves.toBe(1);

    // What the customer must never see: a rejected memo and its review, an approving comment, a phone note.
    expect((await stack.call('alice', 'POST', `/api/tickets/${ticket}/phone-calls`, { direction: 'outbound', body: PHONE_SECRET })).status).toBe(200);
    const rejected = await stack.call('alice', 'POST', `/api/tickets/${ticket}/memos`, { body: MEMO_SECRET });
    expect(rejected.status).toBe(200);
    expect((await stack.call('rita', 'POST', `/api/tickets/${ticket}/memos/${rejected.body.memoId}/review`, { decision: 'reject', comment: REVIEW_SECRET })).status).toBe(200);
    const memo = await stack.call('alice', 'POST', `/api/tickets/${ticket}/memos`, { body: `ご回答です ${run}` });
    expect(memo.status).toBe(200);
    expect((await stack.call('rita', 'POST', `/api/tickets/${ticket}/memos/${memo.body.memoId}/review`, { decision: 'approve', comment: APPROVE_SECRET })).status).toBe(200);
    expect((await stack.call('alice', 'POST', `/api/tickets/${ticket}/answer`, { memoId: memo.body.memoId })).status).toBe(200);
    await mailSent(ticket, 'answer');
    await page.reload();
    await page.waitForSelector(`[data-kind=answer]:has-text("ご回答です ${run}")`);
    await expect(page.textContent('.state')).resolves.toBe('回答済み（ご確認ください）');
    pagesHtml.push(await page.content());
    await page.goto(`${stack.apiUrl}/portal`);
    pagesHtml.push(await page.content());
    await page.screenshot({ path: screenshotPath('portal-answered-ja'), fullPage: true });
  });

  it('shows an account manager a colleague’s ticket and a plain member only their own (in English on request)', async () => {
    const manager = (await newPage()).page;
    await signIn(manager, people.manager);
    await manager.waitForSelector(`[data-ticket="${ticket}"]`);
    await manager.goto(`${stack.apiUrl}/portal/tickets/${ticket}`);
    await manager.waitForSelector('[data-kind=answer]');
    pagesHtml.push(await manager.content());

    const member = (await newPage(ENGLISH)).page;
    await signIn(member, people.member);
    expect(await member.locator(`[data-ticket="${ticket}"]`).count()).toBe(0);
    expect(await member.textContent('h1')).toBe('Your tickets');
    await member.screenshot({ path: screenshotPath('portal-list-en'), fullPage: true });
    const refused = await member.request.get(`${stack.apiUrl}/portal/tickets/${ticket}`);
    expect(refused.status()).toBe(404);
    expect(await refused.text()).not.toContain(run);
  });

  it("shows a partner's contact the ticket it forwarded with the end customer and its own number", async () => {
    const { page } = await newPage();
    await signIn(page, people.partner);
    await page.goto(`${stack.apiUrl}/portal/tickets/${partnerTicket}`);
    await expect(page.textContent('.end-customer')).resolves.toContain(`End Customer ${run}`);
    await expect(page.textContent('.partner-number')).resolves.toBe(`PT-${run}`);
    await page.screenshot({ path: screenshotPath('portal-partner-ja'), fullPage: true });
    pagesHtml.push(await page.content());
  });

  it("refuses another account's ticket and files, used and expired links and forged sessions, and leaks nothing", async () => {
    const { context, page } = await newPage(ENGLISH);
    await signIn(page, people.outsider);
    const articleId = attachmentUrl.split('/articles/')[1].split('/')[0];
    for (const path of [
      `/portal/tickets/${ticket}`,
      attachmentUrl.replace(stack.apiUrl, ''),
      `/portal/tickets/${partnerTicket}/articles/${articleId}/attachments/1`,
      `/portal/tickets/${ticket}/articles/1/attachments/1`,
    ]) {
      const answer = await page.request.get(`${stack.apiUrl}${path}`);
      expect(answer.status(), path).toBe(404);
      const text = await answer.text();
      expect(text).not.toContain(run);
      expect(text).not.toContain('error log');
    }
    // A reply to someone else's ticket is refused too, CSRF token and all.
    const csrf = await page.getAttribute('input[name=_csrf]', 'value');
    const reply = await page.request.post(`${stack.apiUrl}/portal/tickets/${ticket}/reply`, { multipart: { _csrf: csrf!, body: 'intrusion' } });
    expect(reply.status()).toBe(404);
    const followUps = await stack.db.selectFrom('articles').select('id').where('ticket_number', '=', ticket).where('body', '=', 'intrusion').execute();
    expect(followUps).toHaveLength(0);
    // Without the session's CSRF token: 403.
    const noCsrf = await page.request.post(`${stack.apiUrl}/portal/new`, { multipart: { subject: 'x', body: 'y' } });
    expect(noCsrf.status()).toBe(403);

    // A used link.
    const fresh = (await newPage()).page;
    await fresh.goto(usedLink);
    expect(new URL(fresh.url()).pathname).toBe('/portal/auth');
    await fresh.waitForSelector('#email');
    expect((await fresh.request.get(`${stack.apiUrl}/portal`, { maxRedirects: 0 })).status()).toBe(303);

    // An expired link.
    await forgetRequests();
    await fresh.goto(`${stack.apiUrl}/portal/login`);
    await fresh.fill('#email', people.member);
    await fresh.click('button[type=submit]');
    await fresh.waitForSelector('#sent');
    const [latest] = await linksFor(people.member);
    const token = new URL(latest.url).searchParams.get('token')!;
    await stack.db.updateTable('portal_links').set({ expires_at: new Date(Date.now() - 1000) }).where('token_hash', '=', sha256(token)).execute();
    await fresh.goto(latest.url);
    await fresh.waitForSelector('#email');
    expect(new URL(fresh.url()).pathname).toBe('/portal/auth');

    // A forged session cookie.
    await context.clearCookies();
    await context.addCookies([{ name: 'hd_portal', value: randomBytes(32).toString('base64url'), url: `${stack.apiUrl}/portal` }]);
    await page.goto(`${stack.apiUrl}/portal/tickets/${ticket}`);
    expect(new URL(page.url()).pathname).toBe('/portal/login');
    // An agent's console session is no portal session.
    await context.addCookies([{ name: 'hd_session', value: 'anything', url: `${stack.apiUrl}/` }]);
    await page.goto(`${stack.apiUrl}/portal`);
    expect(new URL(page.url()).pathname).toBe('/portal/login');

    for (const html of pagesHtml) {
      for (const secret of [MEMO_SECRET, REVIEW_SECRET, APPROVE_SECRET, PHONE_SECRET, 'spam', 'rita']) expect(html).not.toContain(secret);
    }
  });

  it('answers the same for a known and an unknown address, and slows repeated requests down', async () => {
    await forgetRequests();
    const { page } = await newPage();
    const answerFor = async (email: string) => {
      await page.goto(`${stack.apiUrl}/portal/login`);
      await page.fill('#email', email);
      await page.click('button[type=submit]');
      return page.textContent('main');
    };
    const known = await answerFor(people.outsider);
    const unknown = await answerFor(`nobody-${run}@nowhere.test`);
    expect(unknown).toBe(known);
    await page.screenshot({ path: screenshotPath('portal-sent-ja'), fullPage: true });
    const before = (await linksFor(people.outsider)).length;
    for (let i = 0; i < 3; i++) expect(await answerFor(people.outsider)).toBe(known);
    // One was asked for above; at most 3 per address in 15 minutes.
    expect((await linksFor(people.outsider)).length - before).toBe(2);
  });
});
