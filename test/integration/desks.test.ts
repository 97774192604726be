// Two desks in one installation, on real servers: DESKS_FILE loaded as the
// product loads it, mail routed by the address it was sent to, each desk's
// From, list, sender name and signature on what its tickets send (read back
// by Python's email package), each desk's own calendar under its deadlines
// (the second desk is closed tomorrow), a contract's SLA override, the Desk
// search attribute, and the API's desk field and filter.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createAccount } from '../../db/accounts';
import { createUser } from '../../db/users';
import { ticketWorkflowId } from '../../lib/open-ticket';
import { parsePolicy, type SlaPolicy } from '../../workflows/sla/policy';
import { expectStatus } from '../support/phone-tickets';
import { launchBrowser, signIn } from '../support/browser';
import { pythonReads } from '../support/python-mail';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { mailedTicket, startStackIntake, type StackIntake } from './mail-intake.support';

const run = randomBytes(4).toString('hex');
const OSS = { address: `support@oss-${run}.test`, list: `team@oss-${run}.test` };
const WEB = { address: `help@web-${run}.test`, list: `list@web-${run}.test` };
const PREMIUM_DOMAIN = `premium-${run}.example`;
const HOUR = 3_600_000;
const PASSWORD = 'correct horse battery staple';

/** Open every hour of every day in Tokyo (no DST), P3's first response in 30 h; `closedDates` as given. */
function policyJson(closedDates: string[] = []) {
  const day = [['00:00', '24:00']];
  return {
    calendars: {
      open: { timezone: 'Asia/Tokyo', week: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }, ...(closedDates.length ? { closedDates } : {}) },
    },
    priorities: Object.fromEntries(['P1', 'P2', 'P3', 'P4'].map((p) => [p, { calendar: 'open', firstResponse: '30h', update: '30h', resolution: '80h' }])),
    warnAt: 0.8,
    escalation: { L2: { notify: 'l2@desk.test' }, L3: { notify: 'l3@desk.test' } },
  };
}

/** Tomorrow's date in Tokyo: 30 business hours from any moment today run across all of it. */
function tomorrowInTokyo(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date(Date.now() + 24 * HOUR));
}

let stack: TestStack;
let intake: StackIntake;
let browser: Browser | undefined;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'desks-'));
  writeFileSync(path.join(dir, 'web-policy.json'), JSON.stringify(policyJson([tomorrowInTokyo()])));
  mkdirSync(path.join(dir, 'web-templates'));
  writeFileSync(path.join(dir, 'web-templates', 'receipt_notice.txt'), '{{customer}}\n\nWeb制作サポートです。受付番号 {{number}} で承りました。\n');
  writeFileSync(
    path.join(dir, 'desks.json'),
    JSON.stringify({
      desks: [
        { id: 'oss', name: 'OSS保守サポート', addresses: [OSS.address], mailingList: OSS.list, senderName: 'OSS保守サポート窓口', signature: 'OSS保守サポート窓口\nTEL 03-0000-0000', default: true },
        { id: 'web', name: 'Web制作サポート', addresses: [WEB.address], mailingList: WEB.list, senderName: 'Web制作サポート窓口', signature: 'Web制作サポート窓口', slaPolicyFile: 'web-policy.json', templatesDir: 'web-templates', portalTitle: 'Web制作サポート' },
      ],
    }),
  );
  const parsed = parsePolicy(policyJson());
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const installationPolicy: SlaPolicy = parsed.policy;
  stack = await startTestStack({ DESKS_FILE: path.join(dir, 'desks.json') }, installationPolicy);
  intake = await startStackIntake(stack);
});

afterAll(async () => {
  await browser?.close();
  await intake?.stop();
  await stack?.stop();
});

function mail(to: string, from: string, subject: string, extraHeaders = ''): Buffer {
  return Buffer.from(
    [
      `From: ${from}`,
      `To: ${to}`,
      `Subject: ${subject}`,
      `Message-ID: <${randomBytes(6).toString('hex')}-${run}@customer.example>`,
      'Date: Wed, 02 Dec 2026 10:00:00 +0900',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      ...(extraHeaders ? [extraHeaders] : []),
      '',
      'サイトが表示されません。',
      '',
    ].join('\r\n'),
  );
}

async function firstResponseBudget(number: string): Promise<number> {
  const ticket = await expectStatus(stack.call('alice', 'GET', `/api/tickets/${number}`));
  const sla = await expectStatus(stack.call('alice', 'GET', `/api/tickets/${number}/sla`));
  const clock = sla.clocks.find((c: { clock: string }) => c.clock === 'firstResponse');
  return Date.parse(clock.dueAt) - Date.parse(ticket.createdAt);
}

async function deskAttribute(number: string): Promise<unknown> {
  const described = await stack.temporal.workflow.getHandle(ticketWorkflowId(number)).describe();
  return (described.searchAttributes as Record<string, unknown[]>).Desk?.[0];
}

/** The bytes the desk mailed for the ticket's article of `kind`, once they are in the outbox. */
async function mailed(number: string, kind: string): Promise<Buffer> {
  const row = await eventually(
    () =>
      stack.db
        .selectFrom('outbound_mail')
        .innerJoin('articles', 'articles.id', 'outbound_mail.article_id')
        .select('outbound_mail.raw')
        .where('outbound_mail.ticket_number', '=', number)
        .where('articles.kind', '=', kind as never)
        .executeTakeFirst(),
    30_000,
  );
  return Buffer.from(row.raw);
}

describe('two desks in one installation', () => {
  it('a mail to the second desk is its ticket: its From, list, signature, Desk attribute, templates and calendar (closed tomorrow)', async () => {
    const number = await mailedTicket(stack, mail(WEB.address, `山田 <yamada-${run}@customer.example>`, 'サイトが表示されない'));
    const ticket = await expectStatus(stack.call('alice', 'GET', `/api/tickets/${number}`));
    expect(ticket.desk).toBe('web');
    expect(await deskAttribute(number)).toBe('web');
    // 30 business hours on a calendar open around the clock but closed all of tomorrow: 54 hours of wall time.
    expect(Math.abs((await firstResponseBudget(number)) - 54 * HOUR)).toBeLessThan(60_000);

    const path = `/api/tickets/${number}`;
    await expectStatus(stack.call('alice', 'POST', `${path}/queue`, { queue: 'web' }));
    await expectStatus(stack.call('alice', 'POST', `${path}/acknowledge`, {}));
    const receipt = pythonReads(await mailed(number, 'receipt_notice'));
    expect(receipt.from).toBe(`Web制作サポート窓口 <${WEB.address}>`);
    expect(receipt.replyTo).toBe(WEB.address);
    expect(receipt.cc).toBe(WEB.list);
    expect(receipt.messageId).toMatch(new RegExp(`@web-${run}\\.test>$`));
    // The desk's own receipt notice template; the default desk's tickets keep the built-in one.
    expect(receipt.body).toBe(`山田 様\n\nWeb制作サポートです。受付番号 ${number} で承りました。\n`);

    const memo = await expectStatus(stack.call('alice', 'POST', `${path}/memos`, { body: 'キャッシュを削除してください。' }));
    await expectStatus(stack.call('rita', 'POST', `${path}/memos/${memo.memoId}/review`, { decision: 'approve' }));
    await expectStatus(stack.call('alice', 'POST', `${path}/answer`, { memoId: memo.memoId }));
    const answer = pythonReads(await mailed(number, 'answer'));
    expect(answer.from).toBe(`Web制作サポート窓口 <${WEB.address}>`);
    expect(answer.body).toBe('キャッシュを削除してください。\n\n-- \nWeb制作サポート窓口\n');
  });

  it('a mail to the default desk has its own From, list and calendar; Delivered-To routes a mail sent by Bcc', async () => {
    const number = await mailedTicket(stack, mail(OSS.address, `tanaka-${run}@customer.example`, 'サーバーが停止した'));
    const ticket = await expectStatus(stack.call('alice', 'GET', `/api/tickets/${number}`));
    expect(ticket.desk).toBe('oss');
    expect(Math.abs((await firstResponseBudget(number)) - 30 * HOUR)).toBeLessThan(60_000);
    await expectStatus(stack.call('alice', 'POST', `/api/tickets/${number}/queue`, { queue: 'oss' }));
    await expectStatus(stack.call('alice', 'POST', `/api/tickets/${number}/acknowledge`, {}));
    const receipt = pythonReads(await mailed(number, 'receipt_notice'));
    expect(receipt.from).toBe(`OSS保守サポート窓口 <${OSS.address}>`);
    expect(receipt.cc).toBe(OSS.list);
    expect(receipt.body).toContain('このたびはお問い合わせいただき');

    const bcc = await mailedTicket(stack, mail(`someone-${run}@customer.example`, `sato-${run}@customer.example`, 'Bccで送信', `Delivered-To: ${WEB.address}`));
    expect((await expectStatus(stack.call('alice', 'GET', `/api/tickets/${bcc}`))).desk).toBe('web');
  });

  it("an account's contract overrides its desk's SLA target for tickets opened from then on", async () => {
    await createAccount(stack.db, { name: `Premium ${run}`, kind: 'direct', domains: [PREMIUM_DOMAIN], contract: { plan: 'premium', slaOverrides: { P3: { firstResponse: '1h' } } } });
    const number = await mailedTicket(stack, mail(OSS.address, `boss@${PREMIUM_DOMAIN}`, '至急確認'));
    expect(Math.abs((await firstResponseBudget(number)) - 1 * HOUR)).toBeLessThan(60_000);
    // A contract with a target the policy does not know is refused when written, naming the field.
    await expect(createAccount(stack.db, { name: `Bad ${run}`, kind: 'direct', contract: { slaOverrides: { P3: { firstResponse: '1d' } } } })).rejects.toThrow(/slaOverrides\.P3\.firstResponse: "1d" uses days/);
  });

  it('a phone ticket names its desk; the list filters by desk; an unknown desk is refused with the desks named', async () => {
    const created = await expectStatus(
      stack.call('ivan', 'POST', '/api/tickets', { customer: { email: `phone-${run}@customer.example` }, subject: '電話での問い合わせ', body: '折り返し希望', desk: 'web' }),
      201,
    );
    expect(created.number).toBeTruthy();
    expect((await expectStatus(stack.call('alice', 'GET', `/api/tickets/${created.number}`))).desk).toBe('web');
    const unknown = await stack.call('ivan', 'POST', '/api/tickets', { customer: { email: `phone-${run}@customer.example` }, subject: 'x', body: 'y', desk: 'nowhere' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('oss, web');

    // Without a desk: the default desk's.
    const plain = await expectStatus(stack.call('ivan', 'POST', '/api/tickets', { customer: { email: `phone-${run}@customer.example` }, subject: '電話', body: '至急' }), 201);
    const web = await expectStatus(stack.call('alice', 'GET', '/api/tickets?desk=web&limit=500'));
    const oss = await expectStatus(stack.call('alice', 'GET', '/api/tickets?desk=oss&limit=500'));
    const numbers = (list: { tickets: { number: string }[] }) => list.tickets.map((t) => t.number);
    expect(numbers(web)).toContain(created.number);
    expect(numbers(web)).not.toContain(plain.number);
    expect(web.tickets.every((t: { desk: string }) => t.desk === 'web')).toBe(true);
    expect(numbers(oss)).toContain(plain.number);
    expect(numbers(oss)).not.toContain(created.number);
    // The database is shared with other files: their tickets written without a desk (from before desks) are the default desk's too.
    expect(oss.tickets.every((t: { desk?: string }) => t.desk === 'oss' || t.desk === undefined)).toBe(true);
  });

  it("the console's list offers the desks and shows one desk's tickets only; a ticket's page names its desk", async () => {
    const agent = `desks-agent-${run}`;
    await createUser(stack.db, { name: agent, role: 'agent', level: 'L1', password: PASSWORD });
    const web = await expectStatus(stack.call('ivan', 'POST', '/api/tickets', { customer: { email: `list-${run}@customer.example` }, subject: `Web一覧 ${run}`, body: '確認', desk: 'web' }), 201);
    const oss = await expectStatus(stack.call('ivan', 'POST', '/api/tickets', { customer: { email: `list-${run}@customer.example` }, subject: `OSS一覧 ${run}`, body: '確認' }), 201);
    browser = await launchBrowser();
    const context = await browser.newContext({ baseURL: stack.apiUrl, locale: 'ja-JP', extraHTTPHeaders: { 'Accept-Language': 'ja' } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await signIn(page, agent, PASSWORD, 'ja');
    await page.goto(`/tickets?view=search&q=${encodeURIComponent(run)}`);
    await expect.poll(() => page.locator('tr.ticket').count()).toBeGreaterThanOrEqual(2);
    const desk = page.getByRole('combobox', { name: '窓口' });
    expect(await desk.locator('option').allTextContents()).toEqual(['すべての窓口', 'OSS保守サポート', 'Web制作サポート']);
    await desk.selectOption('web');
    await page.getByRole('button', { name: '絞り込む' }).click();
    await page.waitForURL(/desk=web/);
    const numbers = await page.locator('tr.ticket').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
    expect(numbers).toContain(web.number);
    expect(numbers).not.toContain(oss.number);
    expect(await page.locator('h1').textContent()).toContain('窓口: Web制作サポート');
    await page.goto(`/tickets/${web.number}`);
    await expect.poll(() => page.locator('[data-fact=desk]').textContent()).toBe('Web制作サポート');
  });
});
