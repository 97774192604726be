// The console's doors in a real browser (Debian's chromium through playwright-core),
// on the real product: sign-in refusals and their audit lines, CSRF on every
// changing form and on the login form itself, and who may not come in at all.
//
// Every test file shares the database: user names and subjects here carry a random suffix.
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../db/users';
import type { Role, SupportLevel } from '../../workflows/ticket-types';
import { launchBrowser, submitSignIn } from '../support/browser';
import { startTestStack, type TestStack } from '../support/stack';

const run = randomBytes(3).toString('hex');
const PASSWORD = 'console test password';

let stack: TestStack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await stack?.stop();
});

let counter = 0;
async function newUser(prefix: string, role: Role, level?: SupportLevel): Promise<string> {
  const name = `${prefix}-${run}-${++counter}`;
  await createUser(stack.db, { name, role, ...(level ? { level } : {}), password: PASSWORD });
  return name;
}

async function newContext(extraHTTPHeaders: Record<string, string> = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: stack.apiUrl, locale: 'en-US', extraHTTPHeaders: { 'Accept-Language': 'en', ...extraHTTPHeaders } });
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context;
}


const sessionCookie = async (context: BrowserContext) => (await context.cookies()).find((c) => c.name === 'hd_session');

async function phoneTicket(subject: string): Promise<string> {
  const created = await stack.call('ivan', 'POST', '/api/tickets', {
    customer: { email: `customer-${run}@example.jp` },
    subject,
    body: 'The server does not start since yesterday.',
    channel: 'phone',
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.number as string;
}

describe('signing in', () => {
  it('refuses a wrong password with 401, says so, and writes it in the audit log with the address', async () => {
    const name = await newUser('alice', 'agent', 'L1');
    const context = await newContext();
    const page = await context.newPage();

    const refused = await submitSignIn(page, name, 'not the password at all');
    expect(refused.status()).toBe(401);
    await page.getByRole('alert').filter({ hasText: 'Wrong user name or password.' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByLabel('User name').inputValue()).toBe(name);
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    expect(await sessionCookie(context)).toBeUndefined();

    const audit = await stack.db
      .selectFrom('audit_log')
      .select(['action', 'status', 'ip', 'method', 'path', 'outcome'])
      .where('user_name', '=', name)
      .execute();
    expect(audit).toEqual([{ action: 'console.signIn', status: 401, ip: '127.0.0.1', method: 'POST', path: '/login', outcome: 'wrong user name or password' }]);

    // The right password still works afterwards, and is audited too.
    const accepted = await submitSignIn(page, name, PASSWORD);
    expect(accepted.status()).toBe(303);
    await page.getByRole('heading', { name: 'My open tickets', level: 1 }).waitFor();
    expect(await sessionCookie(context)).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    const statuses = await stack.db.selectFrom('audit_log').select('status').where('user_name', '=', name).where('action', '=', 'console.signIn').orderBy('id').execute();
    expect(statuses.map((s) => s.status)).toEqual([401, 303]);
  });

  it('refuses a sign-in form that did not come from the login page (no login CSRF cookie or field): 403', async () => {
    const name = await newUser('alice', 'agent', 'L1');
    const context = await newContext();

    // Posted from elsewhere: neither the cookie nor the field.
    const forged = await context.request.post('/login', { form: { user: name, password: PASSWORD }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('This form has expired. Reload the page.');
    // With the cookie the login page set, but without its field.
    expect((await context.request.get('/login')).status()).toBe(200);
    expect((await context.cookies()).some((c) => c.name === 'hd_login_csrf')).toBe(true);
    const noField = await context.request.post('/login', { form: { user: name, password: PASSWORD }, maxRedirects: 0 });
    expect(noField.status()).toBe(403);
    // With a field the page never handed out.
    const wrongField = await context.request.post('/login', { form: { user: name, password: PASSWORD, _csrf: 'x'.repeat(32) }, maxRedirects: 0 });
    expect(wrongField.status()).toBe(403);
    expect(await sessionCookie(context)).toBeUndefined();
    const sessions = await stack.db.selectFrom('sessions').select('user_name').where('user_name', '=', name).execute();
    expect(sessions).toEqual([]);
  });
});

describe('CSRF on actions', () => {
  it('refuses an action posted without the CSRF token, from the signed-in browser itself, and leaves the ticket as it was', async () => {
    const name = await newUser('alice', 'agent', 'L1');
    const number = await phoneTicket(`CSRF ${run}`);
    const context = await newContext();
    const page = await context.newPage();
    expect((await submitSignIn(page, name, PASSWORD)).status()).toBe(303);
    await page.goto(`/tickets/${number}`);
    await page.getByRole('button', { name: 'Acknowledge', exact: true }).waitFor();

    const withoutToken = await page.request.post(`/tickets/${number}/do/acknowledge`, { form: {}, maxRedirects: 0 });
    expect(withoutToken.status()).toBe(403);
    const forgedToken = await page.request.post(`/tickets/${number}/do/acknowledge`, { form: { _csrf: 'forged' }, headers: { 'X-CSRF-Token': 'forged' }, maxRedirects: 0 });
    expect(forgedToken.status()).toBe(403);
    const asJson = await page.request.post(`/tickets/${number}/do/acknowledge`, { data: { _csrf: 'forged' }, maxRedirects: 0 });
    expect(asJson.status()).toBe(403);

    const ticket = await stack.call('mona', 'GET', `/api/tickets/${number}`);
    expect(ticket.body).toMatchObject({ status: 'new' });
    expect(ticket.body.owner ?? null).toBeNull();
    const receipts = await stack.db.selectFrom('articles').select('id').where('ticket_number', '=', number).where('kind', '=', 'receipt_notice').execute();
    expect(receipts).toEqual([]);
    await page.reload();
    await page.locator('[data-fact="status"]').getByText('New', { exact: true }).waitFor();

    // The page's own token is what makes the same request go through: the 403s above were the missing token.
    const token = JSON.parse((await page.locator('body').getAttribute('hx-headers'))!)['X-CSRF-Token'] as string;
    const withToken = await page.request.post(`/tickets/${number}/do/acknowledge`, { form: { _csrf: token }, maxRedirects: 0 });
    expect(withToken.status()).toBe(303);
    expect((await stack.call('mona', 'GET', `/api/tickets/${number}`)).body).toMatchObject({ status: 'in_progress', owner: name });
  });
});

describe('who may not use the console', () => {
  it('refuses an integrator signing in: 403 and the reason', async () => {
    const name = await newUser('ivan', 'integrator');
    const context = await newContext();
    const page = await context.newPage();
    const refused = await submitSignIn(page, name, PASSWORD);
    expect(refused.status()).toBe(403);
    await page.getByRole('alert').filter({ hasText: 'This role cannot use the console (use the API).' }).waitFor();
    expect(await sessionCookie(context)).toBeUndefined();
    const audit = await stack.db.selectFrom('audit_log').select(['status', 'role']).where('user_name', '=', name).execute();
    expect(audit).toEqual([{ status: 403, role: 'integrator' }]);
  });

  it('an API bearer token does not open the console: /tickets sends the browser to sign in', async () => {
    for (const user of ['ivan', 'alice'] as const) {
      const context = await newContext({ Authorization: `Bearer ${stack.tokens[user]}` });
      // The token does work on the API...
      const api = await context.request.get('/api/tickets?limit=1');
      expect(api.status(), user).toBe(user === 'ivan' ? 403 : 200);
      // ...but not on the console's pages.
      const direct = await context.request.get('/tickets', { maxRedirects: 0 });
      expect(direct.status(), user).toBe(303);
      expect(direct.headers().location, user).toBe('/login?next=%2Ftickets');
      const page = await context.newPage();
      await page.goto('/tickets?view=new');
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      expect(await page.getByRole('row').count()).toBe(0);
    }
  });
});
