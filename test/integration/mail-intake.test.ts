// The mail intake on real servers: mail delivered by SMTP to GreenMail, the
// poller watching the support mailbox over IMAP, the intake workflow on the
// test run's Temporal, tickets and articles in PostgreSQL, read through the API.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketTag } from '../../activities/intake/ticket-tag';
import { HELPDESK_TICKET_HEADER } from '../../activities/intake/ignore-rules';
import { decodeMail } from '../../activities/mail/decode';
import { messageForTokens } from '../../activities/spam/from-decoded-mail';
import { eventually } from '../support/stack';
import {
  composeMail,
  deliver,
  MAX_MESSAGE_BYTES,
  intakeOutcome,
  mailboxClient,
  messageIdsIn,
  moveMessage,
  startIntakeEnv,
  SUPPORT,
  withMessageId,
  type IntakeEnv,
} from './mail-intake.support';

const STARTUP_MS = 300_000;
const FIXTURES = new URL('../fixtures/mail/', import.meta.url);
const CUSTOMER = 'sato@customer.example.jp';
const UTF8_EXTRA_LINE = '①Ⅰ㈱ 髙橋 ｶﾀｶﾅ';

let env: IntakeEnv;
let agentClient: ImapFlow;
const id = (name: string) => `<${name}-${env.run}@customer.example.jp>`;

beforeAll(async () => {
  env = await startIntakeEnv();
  agentClient = await mailboxClient(env.greenMail);
  await trainFilter();
}, STARTUP_MS);

afterAll(async () => {
  await agentClient?.logout().catch(() => {});
  await env?.stop();
});

const SPAM_TEXTS = [
  'Cheap viagra casino bonus winner claim your prize now, click here for free bitcoin',
  'You are a winner! Claim your casino jackpot prize, free bitcoin and viagra discount',
  'Limited offer: viagra, casino chips, lottery winner, bitcoin investment guaranteed profit',
];
const HAM_TEXTS = [
  'ログインできません。エラー番号を確認してください。',
  'サーバの再起動手順について教えてください。',
  '請求書の宛先を変更したいのですが、手続きを教えてください。',
];

/** Teaches the filter a little spam and a little ham, written the same way as the test mails. */
async function trainFilter() {
  for (const [i, text] of SPAM_TEXTS.entries()) {
    const raw = await composeMail({ from: `promo${i}@spam.example`, subject: 'casino winner viagra', text });
    await env.spamFilter.train(`seed:spam${i}`, messageForTokens(decodeMail(raw)), 'spam');
  }
  for (const [i, text] of HAM_TEXTS.entries()) {
    const raw = await composeMail({ from: `user${i}@customer.example.jp`, subject: 'お問い合わせ', text });
    await env.spamFilter.train(`seed:ham${i}`, messageForTokens(decodeMail(raw)), 'ham');
  }
}

/** POST /api/intake/mail as the integrator, the raw mail as the body. */
async function postMail(raw: Buffer) {
  const response = await fetch(`${env.stack.apiUrl}/api/intake/mail`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.stack.tokens.ivan}`, 'content-type': 'message/rfc822' },
    body: new Uint8Array(raw),
  });
  return { status: response.status, body: await response.json() };
}

async function ticketOf(number: string) {
  const got = await env.stack.call('alice', 'GET', `/api/tickets/${number}`);
  expect(got.status).toBe(200);
  return got.body;
}

async function articlesOf(number: string) {
  const got = await env.stack.call('alice', 'GET', `/api/tickets/${number}/articles`);
  expect(got.status).toBe(200);
  return got.body.articles as any[];
}

async function ticketCountFor(email: string) {
  const row = await env.stack.db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).where('customer_email', '=', email).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('mail to the support address', () => {
  let number: string;
  let receiptMessageId: string;

  it('becomes a ticket, and the mail moves from INBOX to Processed', async () => {
    const messageId = id('first');
    await deliver(env.greenMail, await composeMail({ from: `佐藤 <${CUSTOMER}>`, subject: 'VPNがつながりません', text: '昨日からVPNに接続できません。', messageId }));
    const record = await intakeOutcome(env.stack, messageId);
    expect(record.outcome).toBe('ticket');
    number = record.ticket_number!;
    const ticket = await ticketOf(number);
    expect(ticket).toMatchObject({ subject: 'VPNがつながりません', channel: 'email', customer: { email: CUSTOMER, name: '佐藤' } });
    const [article] = await articlesOf(number);
    expect(article).toMatchObject({ kind: 'inquiry', body: expect.stringContaining('VPNに接続できません'), message_id: messageId, spam_outcome: expect.any(String) });
    await eventually(async () => (await messageIdsIn(agentClient, 'Processed')).includes(messageId));
    expect(await messageIdsIn(agentClient, 'INBOX')).not.toContain(messageId);
  });

  it('a reply with In-Reply-To our receipt notice is a follow-up on that ticket', async () => {
    expect((await env.stack.call('alice', 'POST', `/api/tickets/${number}/acknowledge`, {})).status).toBe(200);
    receiptMessageId = await eventually(async () => {
      const row = await env.stack.db.selectFrom('articles').select('message_id').where('ticket_number', '=', number).where('kind', '=', 'receipt_notice').executeTakeFirst();
      return row?.message_id ?? undefined;
    }, 20_000);
    const messageId = id('reply-in-reply-to');
    await deliver(env.greenMail, await composeMail({ from: CUSTOMER, subject: 'Re: 受付のお知らせ', text: '追加の情報です。', messageId, inReplyTo: receiptMessageId }));
    const record = await intakeOutcome(env.stack, messageId);
    expect(record).toMatchObject({ outcome: 'follow-up', ticket_number: number });
    await eventually(async () => (await ticketOf(number)).counts.followUps === 1);
  });

  it('a reply with only the subject tag is a follow-up on that ticket', async () => {
    const messageId = id('reply-tag');
    await deliver(env.greenMail, await composeMail({ from: CUSTOMER, subject: `Re: ${ticketTag(number)} VPNがつながりません`, text: 'まだつながりません。', messageId }));
    expect(await intakeOutcome(env.stack, messageId)).toMatchObject({ outcome: 'follow-up', ticket_number: number });
  });

  it('a reply with the tag in full-width brackets and digits is a follow-up too', async () => {
    const wide = number.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const messageId = id('reply-wide-tag');
    await deliver(env.greenMail, await composeMail({ from: CUSTOMER, subject: `ＲＥ：［Ｔｉｃｋｅｔ＃${wide}］ VPN`, text: '全角です。', messageId }));
    expect(await intakeOutcome(env.stack, messageId)).toMatchObject({ outcome: 'follow-up', ticket_number: number });
    await eventually(async () => (await ticketOf(number)).counts.followUps === 3);
  });

  it("a stranger quoting the ticket's tag gets a ticket of their own", async () => {
    const messageId = id('stranger');
    await deliver(env.greenMail, await composeMail({ from: 'mallory@elsewhere.example', subject: `Re: ${ticketTag(number)} VPN`, text: '私も同じです。', messageId }));
    const record = await intakeOutcome(env.stack, messageId);
    expect(record.outcome).toBe('ticket');
    expect(record.ticket_number).not.toBe(number);
    expect((await ticketOf(record.ticket_number!)).refersTo).toBeUndefined();
    expect((await ticketOf(number)).counts.followUps).toBe(3);
  });

  it("the desk's own answer echoed by the mailing list is ignored", async () => {
    const messageId = `<ticket-${number}-echo-${env.run}@desk.test>`;
    const raw = await composeMail({ from: SUPPORT, subject: `${ticketTag(number)} ご回答`, text: '回答です。', messageId, headers: { [HELPDESK_TICKET_HEADER]: number, 'List-Id': '<team.desk.test>' } });
    await deliver(env.greenMail, raw);
    const record = await intakeOutcome(env.stack, messageId);
    expect(record).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('own-mail') });
    expect((await ticketOf(number)).counts.followUps).toBe(3);
    await eventually(async () => (await messageIdsIn(agentClient, 'Processed')).includes(messageId));
  });

  it('an auto-reply is ignored', async () => {
    const messageId = id('vacation');
    const before = await ticketCountFor(CUSTOMER);
    await deliver(env.greenMail, await composeMail({ from: CUSTOMER, subject: `Re: ${ticketTag(number)} 不在のお知らせ`, text: '休暇中です。', messageId, headers: { 'Auto-Submitted': 'auto-replied' } }));
    expect(await intakeOutcome(env.stack, messageId)).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('auto-reply') });
    expect(await ticketCountFor(CUSTOMER)).toBe(before);
    expect((await ticketOf(number)).counts.followUps).toBe(3);
  });
});

describe('attachments and Japanese charsets', () => {
  it('keeps a password-protected ZIP byte for byte and serves it from the attachment endpoint', async () => {
    const zip = await readFile(new URL('attachments/secret.zip', FIXTURES));
    const messageId = id('zip');
    await deliver(env.greenMail, withMessageId(await readFile(new URL('ja-attachments.eml', FIXTURES)), messageId));
    const record = await intakeOutcome(env.stack, messageId);
    expect(record.outcome).toBe('ticket');
    const [article] = await articlesOf(record.ticket_number!);
    const position = (article.attachments as any[]).find((a) => a.contentType === 'application/zip')?.position;
    expect(position).toBeGreaterThan(0);
    const response = await fetch(`${env.stack.apiUrl}/api/tickets/${record.ticket_number}/articles/${article.id}/attachments/${position}`, {
      headers: { authorization: `Bearer ${env.stack.tokens.alice}` },
    });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(createHash('sha256').update(zip).digest('hex'));
    expect(bytes.equals(zip)).toBe(true);
  });

  // GreenMail (SMTP and APPEND alike) replaces raw 8-bit header bytes with U+FFFD, which a real MTA or
  // IMAP server does not do; the Shift_JIS and EUC-JP mails (raw 8-bit From and Subject) therefore come in
  // through POST /api/intake/mail, the same intake with their bytes intact.
  it('ISO-2022-JP, Shift_JIS, EUC-JP and UTF-8 mails come out as the same text', async () => {
    const charsets = ['iso-2022-jp', 'shift_jis', 'euc-jp', 'utf-8'];
    const texts = [];
    for (const charset of charsets) {
      const messageId = id(`ja-${charset}`);
      const raw = withMessageId(await readFile(new URL(`ja-${charset}.eml`, FIXTURES)), messageId);
      if (charset === 'shift_jis' || charset === 'euc-jp') {
        const posted = await postMail(raw);
        expect(posted.status).toBe(200);
        expect(posted.body).toMatchObject({ outcome: 'ticket', number: expect.any(String) });
      } else {
        await deliver(env.greenMail, raw);
      }
      const record = await intakeOutcome(env.stack, messageId);
      expect(record.outcome).toBe('ticket');
      const ticket = await ticketOf(record.ticket_number!);
      const [article] = await articlesOf(record.ticket_number!);
      let body = article.body.replace(/\n+$/, '');
      // Only UTF-8 carries the fixture's extra line (NEC/IBM extensions, half-width katakana) in these four.
      if (charset === 'utf-8') {
        expect(body.endsWith(`\n${UTF8_EXTRA_LINE}`)).toBe(true);
        body = body.slice(0, -UTF8_EXTRA_LINE.length - 1);
      }
      texts.push({ subject: ticket.subject, body, name: ticket.customer.name });
    }
    expect(texts[0].subject).toBe('【至急】サーバー障害のご報告（第２報）');
    expect(texts[0].body).toContain('受注システムにログインできない');
    expect(texts[0].name).toBe('山田 太郎');
    for (const text of texts.slice(1)) expect(text).toEqual(texts[0]);
  });
});

describe('the intake API and limits', () => {
  it('POST /api/intake/mail takes a mail once: the same mail again answers the same ticket', async () => {
    const raw = await composeMail({ from: 'api-customer@example.jp', subject: 'API経由', text: 'APIから送ります。', messageId: id('api') });
    const first = await postMail(raw);
    expect(first).toMatchObject({ status: 200, body: { outcome: 'ticket', number: expect.any(String) } });
    expect(await postMail(raw)).toEqual(first);
    expect(await ticketCountFor('api-customer@example.jp')).toBe(1);
    const asAgent = await fetch(`${env.stack.apiUrl}/api/intake/mail`, { method: 'POST', headers: { authorization: `Bearer ${env.stack.tokens.alice}` }, body: new Uint8Array(raw) });
    expect(asAgent.status).toBe(403);
  });

  it('a mail larger than MAX_MESSAGE_BYTES is kept raw and its ticket says so', async () => {
    const messageId = id('huge');
    const big = Buffer.alloc(MAX_MESSAGE_BYTES + 10_000, 7);
    const raw = await composeMail({ from: 'big@example.jp', subject: '大きな添付', text: 'ログを添付します。', messageId, attachments: [{ filename: 'log.bin', content: big }] });
    await deliver(env.greenMail, raw);
    const record = await intakeOutcome(env.stack, messageId);
    expect(record).toMatchObject({ outcome: 'ticket', oversize: true });
    const stored = await env.stack.db.selectFrom('raw_messages').select(['size']).where('id', '=', record.raw_message_id).executeTakeFirstOrThrow();
    expect(stored.size).toBeGreaterThan(MAX_MESSAGE_BYTES);
    const [article] = await articlesOf(record.ticket_number!);
    expect(article.body).toContain('MAX_MESSAGE_BYTES');
    expect(article.mail_problems[0]).toContain(`raw message ${record.raw_message_id}`);
    expect((await ticketOf(record.ticket_number!)).subject).toBe('大きな添付');
  });
});

describe('spam and the Junk folder', () => {
  it('spam ends in Junk with no ticket; moved back to INBOX it becomes a ticket and is trained ham', async () => {
    const messageId = id('spam');
    const sender = `promo-${env.run}@spam.example`;
    await deliver(env.greenMail, await composeMail({ from: sender, subject: 'casino winner viagra', text: 'Claim your free casino bitcoin prize, viagra winner', messageId }));
    const record = await intakeOutcome(env.stack, messageId);
    expect(record).toMatchObject({ outcome: 'spam', spam_outcome: 'spam' });
    expect(record.spam_score).toBeGreaterThanOrEqual(0.7);
    expect(record.spam_clues!.length).toBeGreaterThan(0);
    await eventually(async () => (await messageIdsIn(agentClient, 'Junk')).includes(messageId));
    expect(await ticketCountFor(sender)).toBe(0);

    await moveMessage(agentClient, messageId, 'Junk', 'INBOX');
    const corrected = await eventually(
      () => env.stack.db.selectFrom('intake_messages').selectAll().where('message_id', '=', messageId).where('outcome', '=', 'ticket').executeTakeFirst(),
      30_000,
    );
    expect(corrected.trained).toBe('ham');
    expect(env.spamFilter.trained.get(`raw:${corrected.raw_message_id}`)).toBe('ham');
    expect(await ticketCountFor(sender)).toBe(1);
    await eventually(async () => (await messageIdsIn(agentClient, 'Processed')).includes(messageId));
    expect(await messageIdsIn(agentClient, 'Junk')).not.toContain(messageId);
  });

  it('a ticket mail an agent moves from Processed into Junk is trained spam', async () => {
    const messageId = id('sneaky');
    await deliver(env.greenMail, await composeMail({ from: 'sneaky@unknown.example', subject: 'ご提案', text: '弊社サービスのご案内です。', messageId }));
    const record = await intakeOutcome(env.stack, messageId);
    expect(record.outcome).toBe('ticket');
    await eventually(async () => (await messageIdsIn(agentClient, 'Processed')).includes(messageId));
    await moveMessage(agentClient, messageId, 'Processed', 'Junk');
    env.intake!.poller!.poke();
    await eventually(async () => env.spamFilter.trained.get(`raw:${record.raw_message_id}`) === 'spam', 20_000);
  });
});
