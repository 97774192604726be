// What the console's ticket page reads: the similar tickets once per page load
// (a live refresh and an action's answer leave out the list, and the open page
// keeps the one it was loaded with, hx-preserve), and the parties form's
// account choices kept for a few seconds instead of read on every refresh.
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../db/users';
import { launchBrowser, signIn } from '../support/browser';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const run = randomBytes(3).toString('hex');
const PASSWORD = 'ticket page data password';
const agent = `page-data-agent-${run}`;

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;

async function ok(answer: Promise<{ status: number; body: any }>, status = 200) {
  const { status: got, body } = await answer;
  expect(got, JSON.stringify(body)).toBe(status);
  return body;
}

async function phoneTicket(subject: string, body: string): Promise<string> {
  return (await ok(stack.call('ivan', 'POST', '/api/tickets', { customer: { email: `page-data-${run}@example.jp` }, subject, body }), 201)).number;
}

beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchBrowser();
  await createUser(stack.db, { name: agent, role: 'agent', level: 'L1', password: PASSWORD });
  // A closed ticket for the new one to be like.
  const past = await phoneTicket(`Tape library ${run} drive offline`, `The tape library ${run} reports its drive offline after the firmware update.`);
  await ok(stack.call('alice', 'POST', `/api/tickets/${past}/queue`, { queue: 'maintenance-support' }));
  await ok(stack.call('alice', 'POST', `/api/tickets/${past}/acknowledge`, {}));
  await ok(stack.call('alice', 'POST', `/api/tickets/${past}/close`, { resolution: 'Rolled the drive firmware back' }));
  await eventually(() => stack.db.selectFrom('similar_ticket_terms').select('ticket_number').where('ticket_number', '=', past).executeTakeFirst(), 20_000);
  context = await browser.newContext({ baseURL: stack.apiUrl, viewport: { width: 1280, height: 900 }, locale: 'en-US', extraHTTPHeaders: { 'Accept-Language': 'en' } });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  await signIn(page, agent, PASSWORD);
}, 300_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close();
  await stack?.stop();
});

describe("the ticket page's data", () => {
  it('reads the similar tickets with the page, not with each live refresh, and the open page keeps them', async () => {
    const number = await phoneTicket(`Tape library ${run} drive offline again`, `Since this morning the tape library ${run} says the drive is offline.`);
    await page.goto(`/tickets/${number}`);
    const similar = page.locator('[data-similar] [data-similar-ticket]');
    await similar.first().waitFor();
    const shown = await similar.count();
    expect(shown).toBeGreaterThan(0);

    // The live region alone carries no list, only the place the page keeps its own in.
    const live = await (await page.request.get(`/tickets/${number}/live`)).text();
    expect(live).toContain('id="similar-tickets"');
    expect(live).not.toContain('data-similar-ticket');

    // A change seen live: the facts refresh, the similar tickets stay as loaded.
    await ok(stack.call('alice', 'POST', `/api/tickets/${number}/queue`, { queue: 'maintenance-support' }));
    await expect.poll(() => page.locator('[data-fact="queue"]').textContent(), { timeout: 15_000 }).toBe('maintenance-support');
    expect(await similar.count()).toBe(shown);
    // An action's answer (htmx) keeps them too.
    await page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await expect.poll(() => page.locator('[data-fact="status"]').textContent(), { timeout: 15_000 }).toBe('In progress');
    expect(await similar.count()).toBe(shown);
    // A new load reads them again.
    await page.reload();
    await similar.first().waitFor();
    expect(await similar.count()).toBe(shown);
  });

  it('offers an account made after the page was read within the choices lifetime (10 s)', async () => {
    const number = await phoneTicket(`Accounts ${run}`, 'Which account is this?');
    await page.goto(`/tickets/${number}`);
    const choices = () => page.request.get(`/tickets/${number}/live`).then((r) => r.text());
    expect(await choices()).not.toContain(`Late Account ${run}`);
    const madeAt = performance.now();
    await ok(stack.call('mona', 'POST', '/api/accounts', { name: `Late Account ${run}`, kind: 'direct', domains: [`late-${run}.example`] }), 201);
    await eventually(async () => (await choices()).includes(`Late Account ${run}`), 15_000);
    expect(performance.now() - madeAt).toBeLessThan(10_000 + 1_000);
  }, 30_000);
});
