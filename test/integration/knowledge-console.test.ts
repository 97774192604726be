// Knowledge records in the console, in a real browser (Debian's chromium through
// playwright-core) on the real product. For each language: the author opens a
// closed ticket, follows "Write a knowledge record", completes the prefilled
// draft and sends it to review; a reviewer (not the author) approves it from
// the record's page, correcting the fix; the list shows it published.
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../api/tokens';
import { createUser } from '../../db/users';
import type { Role, SupportLevel } from '../../workflows/ticket-types';
import { launchBrowser, screenshotPath, signIn } from '../support/browser';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const run = randomBytes(3).toString('hex');
const PASSWORD = 'knowledge console password';
const LANGUAGES = {
  ja: { locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja' } },
  en: { locale: 'en-US', extraHTTPHeaders: { 'Accept-Language': 'en' } },
} as const;
type Lang = keyof typeof LANGUAGES;

/** The words the test looks for, as the console shows them. */
const WORDS = {
  ja: { write: 'ナレッジを書く', cause: '原因', fix: '対処', save: '下書きを保存', submit: 'レビューに出す', approve: '承認して公開', inReview: 'レビュー中', published: '公開済み', own: 'ご自身が書いたナレッジです' },
  en: { write: 'Write a knowledge record', cause: 'Cause', fix: 'Fix', save: 'Save draft', submit: 'Send to review', approve: 'Approve and publish', inReview: 'In review', published: 'Published', own: 'You wrote this record' },
} as const;

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

interface Person {
  name: string;
  token: string;
}

async function newPerson(prefix: string, role: Role, level?: SupportLevel): Promise<Person> {
  const name = `${prefix}-${run}`;
  await createUser(stack.db, { name, role, ...(level ? { level } : {}), password: PASSWORD });
  return { name, token: await createToken(stack.db, name, role, level) };
}

async function api(person: Person, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${person.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = { status: response.status, body: (await response.json()) as any };
  expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
  return answer.body;
}

/** A phone ticket the author takes and closes with a resolution. */
async function closedTicket(author: Person, subject: string): Promise<string> {
  const created = await stack.call('ivan', 'POST', '/api/tickets', { customer: { email: `kbc-${run}@example.jp` }, subject, body: '帳票のPDFで日本語が■になります。' });
  const number = created.body.number as string;
  await api(author, 'POST', `/api/tickets/${number}/queue`, { queue: 'maintenance-support' });
  await api(author, 'POST', `/api/tickets/${number}/acknowledge`, {});
  await api(author, 'POST', `/api/tickets/${number}/close`, { resolution: 'IPAexゴシックを埋め込んで解決' });
  await eventually(() => stack.db.selectFrom('tickets').select('number').where('number', '=', number).where('status', '=', 'closed').executeTakeFirst(), 20_000);
  return number;
}

async function signedIn(person: Person, lang: Lang): Promise<Page> {
  const context = await browser.newContext({ baseURL: stack.apiUrl, viewport: { width: 1280, height: 900 }, ...LANGUAGES[lang] });
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  const page = await context.newPage();
  await signIn(page, person.name, PASSWORD, lang);
  return page;
}

describe('knowledge records in the console', () => {
  for (const lang of ['ja', 'en'] as const) {
    it(`the author writes one from a closed ticket, a reviewer approves it from its page, the list shows it published (${lang})`, async () => {
      const words = WORDS[lang];
      const author = await newPerson(`kb-author-${lang}`, 'agent', 'L1');
      const reviewer = await newPerson(`kb-reviewer-${lang}`, 'reviewer', 'L2');
      const subject = `PDF出力が文字化けする ${run} ${lang}`;
      const number = await closedTicket(author, subject);

      const writer = await signedIn(author, lang);
      await writer.goto(`/tickets/${number}`);
      await writer.getByRole('link', { name: words.write }).click();
      await writer.waitForURL(new RegExp(`/console/knowledge/new\\?ticket=${number}$`));
      // Prefilled from the ticket: the subject in the symptom, the resolution in the fix.
      await expect.poll(() => writer.locator('textarea[name=symptom]').inputValue()).toContain(subject);
      expect(await writer.getByLabel(words.fix).inputValue()).toContain('IPAexゴシックを埋め込んで解決');
      await writer.getByLabel(words.cause).fill('PDFにフォントが埋め込まれていなかった');
      await writer.getByRole('button', { name: words.save }).click();
      await writer.waitForURL(/\/console\/knowledge\/\d+$/);
      const recordPath = new URL(writer.url()).pathname;
      // The author corrects the draft from its page (PATCH /api/knowledge/:id in-process).
      await writer.locator('form[data-action=edit] input[name=product]').fill('帳票サーバ');
      const edited = writer.waitForResponse((r) => new URL(r.url()).pathname === `${recordPath}/do/edit` && r.request().method() === 'POST');
      await writer.locator('form[data-action=edit] button[type=submit]').click();
      expect((await edited).status()).toBe(303);
      await writer.waitForURL(new RegExp(`${recordPath}$`));
      expect((await api(author, 'GET', `/api${recordPath.replace('/console', '')}`)).product).toBe('帳票サーバ');
      await writer.getByRole('button', { name: words.submit }).click();
      await writer.waitForURL(new RegExp(`${recordPath}$`));
      await expect.poll(() => writer.locator('[data-record-status]').first().getAttribute('data-record-status')).toBe('in_review');
      // Four eyes: the author gets no approve button.
      expect(await writer.getByRole('button', { name: words.approve }).count()).toBe(0);

      const checker = await signedIn(reviewer, lang);
      await checker.goto(recordPath);
      expect(await checker.locator('h1').textContent()).toContain(words.inReview);
      await checker.locator('form[data-action=approve] textarea[name=fix]').fill('fontconfigにIPAexゴシックを登録し、PDFにフォントを埋め込む');
      await checker.getByRole('button', { name: words.approve }).click();
      await checker.waitForURL(new RegExp(`${recordPath}$`));
      expect(await checker.locator('h1').textContent()).toContain(words.published);
      expect(await checker.locator('[data-field=fix]').textContent()).toBe('fontconfigにIPAexゴシックを登録し、PDFにフォントを埋め込む');
      await checker.screenshot({ path: screenshotPath(`knowledge-record-${lang}`), fullPage: true });

      await checker.goto('/console/knowledge?status=published');
      const row = checker.locator(`tr[data-record="${recordPath.split('/').pop()}"]`);
      expect(await row.locator('[data-record-status]').textContent()).toBe(words.published);
      // Found by a search in other words.
      await checker.getByRole('searchbox', { name: lang === 'ja' ? '検索' : 'Search' }).last().fill('PDFの漢字が化ける');
      await checker.locator('form.knowledge-search button').click();
      await checker.waitForURL(/\/console\/knowledge\?q=/);
      expect(await checker.locator(`tr[data-record="${recordPath.split('/').pop()}"]`).count()).toBe(1);
      await checker.screenshot({ path: screenshotPath(`knowledge-list-${lang}`), fullPage: true });
    });
  }
});
