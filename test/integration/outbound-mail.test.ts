// Outbound mail on real servers: the whole product (API, Temporal, PostgreSQL)
// writes the receipt notice and the approved answer; the outbound-mail
// activity sends them through GreenMail (SMTP) and the customer's and the
// list's mailboxes are read back over IMAP, then with Python's email package.
// Refusals GreenMail cannot give (550, 451) come from a tiny fake SMTP server.
//
// The activity is called directly here: the ticket workflow does not call it yet.
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { outboundMailActivities, outboundMailSettings } from '../../activities/outbound-mail';
import type { ArticleKind } from '../../db/schema';
import { singleDesk } from '../../lib/desks/desk';
import { loadConfig } from '../../lib/config';
import { startGreenMail, type GreenMail } from '../../scripts/devstack/greenmail';
import { freePort } from '../../scripts/devstack/ports';
import { startFakeSmtp } from '../support/fake-smtp';
import { pythonReads, textOf } from '../support/python-mail';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import type { sendNoticeWorkflow } from './fixtures/send-mail.workflow';

const STARTUP_MS = 300_000; // the first run fetches GreenMail from Maven Central
const CUSTOMER = 'customer@example.jp';
const LIST = 'team@desk.test';
const SUPPORT = 'support@desk.test';
/** The one desk of an installation without DESKS_FILE, at this address. */
const deskAt = (supportAddress: string, mailingListAddress?: string) => singleDesk({ supportAddress, mailingListAddress, mail: stack.config.mail });
const SUBJECT = 'サーバが起動しません～至急';
/** Japanese, a wave dash as Windows IMEs type it (U+FF5E), half-width katakana, a circled digit. */
const ANSWER = [
  'ﾔﾏﾀﾞ様',
  '',
  'お問い合わせの件、以下の手順をお試しください。',
  '①電源ボタンを長押しする',
  '②ｻｰﾊﾞの再起動後、ﾛｸﾞを確認する',
  '作業時間は 10:00～12:00 を想定しています。',
].join('\n');

let greenMail: GreenMail;
let stack: TestStack;
let mail: ReturnType<typeof outboundMailActivities>;

beforeAll(async () => {
  greenMail = await startGreenMail({
    smtpPort: await freePort(),
    imapPort: await freePort(),
    users: ['customer:pw@example.jp', 'team:pw@desk.test'],
  });
  stack = await startTestStack({ SMTP_URL: greenMail.smtpUrl, SUPPORT_ADDRESS: SUPPORT, MAILING_LIST_ADDRESS: LIST });
  mail = outboundMailActivities(stack.db, deskAt(SUPPORT, LIST), outboundMailSettings(stack.config));
}, STARTUP_MS);

afterAll(async () => {
  await stack?.stop();
  await greenMail?.stop();
});

async function openTicket(): Promise<string> {
  const created = await stack.call('ivan', 'POST', '/api/tickets', {
    customer: { email: CUSTOMER, name: 'ﾔﾏﾀﾞ 太郎' },
    subject: SUBJECT,
    body: '昨日から起動しなくなりました。',
    channel: 'phone',
  });
  expect(created.status).toBe(201);
  const number = created.body.number as string;
  await eventually(() => stack.db.selectFrom('tickets').select('number').where('number', '=', number).executeTakeFirst());
  return number;
}

function articleOf(number: string, kind: ArticleKind) {
  return eventually(() =>
    stack.db.selectFrom('articles').selectAll().where('ticket_number', '=', number).where('kind', '=', kind).orderBy('id', 'desc').executeTakeFirst(),
  );
}

/** Every message in the mailbox, as its raw source. */
async function mailbox(user: string): Promise<Buffer[]> {
  const { hostname, port, username, password } = new URL(greenMail.imapUrlFor(user));
  const client = new ImapFlow({ host: hostname, port: Number(port), secure: false, auth: { user: username, pass: password }, logger: false });
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const exists = typeof client.mailbox === 'object' ? client.mailbox.exists : 0;
      if (!exists) return [];
      const sources: Buffer[] = [];
      for await (const message of client.fetch('1:*', { source: true })) if (message.source) sources.push(message.source);
      return sources;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

const withMessageId = (sources: Buffer[], messageId: string) => sources.filter((s) => pythonReads(s).messageId === messageId);

/**
 * Sends as Temporal would: again after a retryable failure. The ticket workflow
 * sends the same article itself, so this call may find it sent, or being sent.
 */
async function sendLikeTemporal(articleId: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await mail.sendArticleMail({ articleId });
    } catch (error) {
      if (!(error instanceof ApplicationFailure) || error.nonRetryable || attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('outbound mail through GreenMail', () => {
  it('mails the receipt notice and the approved answer to the customer, with the list in Cc, once', async () => {
    const number = await openTicket();
    const path_ = `/api/tickets/${number}`;
    // The customer's mail that opened the ticket (the mail intake stores its Message-ID).
    await stack.db.updateTable('articles').set({ message_id: '<inquiry-1@example.jp>' }).where('ticket_number', '=', number).where('kind', '=', 'inquiry').execute();

    expect((await stack.call('alice', 'POST', `${path_}/queue`, { queue: 'maintenance-support' })).status).toBe(200);
    expect((await stack.call('alice', 'POST', `${path_}/acknowledge`, {})).status).toBe(200);
    const receipt = await articleOf(number, 'receipt_notice');
    const receiptSent = await sendLikeTemporal(receipt.id);
    expect(receiptSent.messageId).toMatch(new RegExp(`^<ticket-${number}-${receipt.id}\\.[0-9a-f]{12}@desk\\.test>$`));

    const memo = await stack.call('alice', 'POST', `${path_}/memos`, { body: ANSWER });
    expect(memo.status).toBe(200);
    expect((await stack.call('rita', 'POST', `${path_}/memos/${memo.body.memoId}/review`, { decision: 'approve' })).body.status).toBe('approved');
    expect((await stack.call('alice', 'POST', `${path_}/answer`, { memoId: memo.body.memoId })).body.status).toBe('waiting_customer');
    const answer = await articleOf(number, 'answer');

    const first = await sendLikeTemporal(answer.id);
    const again = await mail.sendArticleMail({ articleId: answer.id });
    expect(again).toEqual({ ...first, sentNow: false });

    const inbox = await eventually(async () => {
      const sources = await mailbox('customer');
      return sources.length >= 2 ? sources : undefined;
    });
    const listInbox = await eventually(async () => {
      const sources = await mailbox('team');
      return sources.length >= 2 ? sources : undefined;
    });

    // The receipt notice fits ISO-2022-JP: read through Python's JIS codec, ～ comes back as
    // the JIS wave dash U+301C and the half-width ﾔﾏﾀﾞ as full-width ヤマダ.
    const receiptMails = withMessageId(inbox, receiptSent.messageId);
    expect(receiptMails).toHaveLength(1);
    const [receiptMail] = receiptMails;
    const notice = pythonReads(receiptMail);
    expect(notice).toMatchObject({
      charset: 'iso-2022-jp',
      transferEncoding: '7bit',
      subject: `Re: [Ticket#${number}] サーバが起動しません〜至急`,
      from: SUPPORT,
      replyTo: SUPPORT,
      to: `ヤマダ 太郎 <${CUSTOMER}>`,
      cc: LIST,
      inReplyTo: '<inquiry-1@example.jp>',
      references: '<inquiry-1@example.jp>',
      ticket: number,
      autoSubmitted: 'auto-generated',
    });
    expect(textOf(notice)).toContain('ヤマダ 太郎 様');
    expect(textOf(notice)).toContain(`受付番号: ${number}`);
    expect(textOf(notice)).toContain('平日 9:30〜17:30');
    expect(textOf(notice)).not.toMatch(/[?\ufffd]/);

    // The answer has ①, which ISO-2022-JP lacks: the whole message is UTF-8 (the default fallback)
    // and reads back exactly as the agent wrote it, ～ (U+FF5E) and half-width katakana included.
    const answerMails = withMessageId(inbox, first.messageId);
    expect(answerMails).toHaveLength(1);
    const read = pythonReads(answerMails[0]);
    expect(read).toMatchObject({ charset: 'utf-8', subject: `Re: [Ticket#${number}] ${SUBJECT}`, inReplyTo: '<inquiry-1@example.jp>', ticket: number, autoSubmitted: null });
    expect(textOf(read)).toBe(`${ANSWER}\n`);
    expect(read.defects).toEqual([]);

    // The list got the same two messages.
    expect(withMessageId(listInbox, first.messageId)).toHaveLength(1);
    expect(textOf(pythonReads(withMessageId(listInbox, first.messageId)[0]))).toBe(`${ANSWER}\n`);
    expect(withMessageId(listInbox, receiptSent.messageId)).toHaveLength(1);

    // The article carries our Message-ID and the threading, so the customer's reply finds the ticket.
    const stored = await stack.db.selectFrom('articles').selectAll().where('id', '=', answer.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ message_id: first.messageId, in_reply_to: '<inquiry-1@example.jp>', references: ['<inquiry-1@example.jp>'] });
    const outbox = await stack.db.selectFrom('outbound_mail').selectAll().where('article_id', '=', answer.id).executeTakeFirstOrThrow();
    expect(outbox).toMatchObject({ state: 'sent', attempts: 1, charset: 'utf-8', envelope_to: [CUSTOMER, LIST] });
  });
});

describe('outbound mail refused by the server', () => {
  it('records a permanent refusal (550) on the ticket and gives up with PermanentMailFailure', async () => {
    const smtp = await startFakeSmtp({ rcpt: '550 5.1.1 <owner@desk.test>: Recipient address rejected' });
    try {
      const refused = outboundMailActivities(stack.db, deskAt(SUPPORT), { ...outboundMailSettings(stack.config), smtpUrl: smtp.url });
      const number = await openTicket();
      const notice = { number, kind: 'sla_warning' as const, to: 'owner@desk.test', clock: 'firstResponse', key: `${number}:sla:1` };

      const failure = await failureOf(refused.sendNotice(notice));
      expect(failure).toMatchObject({ type: 'PermanentMailFailure', nonRetryable: true });
      expect(failure.message).toContain('550');

      const events = await stack.db.selectFrom('ticket_events').selectAll().where('ticket_number', '=', number).where('kind', '=', 'mail_failed').execute();
      expect(events).toHaveLength(1);
      expect(events[0].detail).toMatchObject({ to: ['owner@desk.test'], responseCode: 550 });
      const article = await articleOf(number, 'notice');
      expect(article).toMatchObject({ to_addresses: ['owner@desk.test'], subject: `[Ticket#${number}] SLA警告: 初回応答の期限が近づいています` });
      expect(await stack.db.selectFrom('outbound_mail').select(['state', 'last_error']).where('article_id', '=', article.id).executeTakeFirst()).toMatchObject({
        state: 'failed',
        last_error: expect.stringContaining('550'),
      });

      // A retried activity neither writes a second notice, nor tries the server again, nor records twice.
      expect(await failureOf(refused.sendNotice(notice))).toMatchObject({ type: 'PermanentMailFailure' });
      expect(await stack.db.selectFrom('articles').select('id').where('ticket_number', '=', number).where('kind', '=', 'notice').execute()).toHaveLength(1);
      expect(await stack.db.selectFrom('ticket_events').select('id').where('ticket_number', '=', number).where('kind', '=', 'mail_failed').execute()).toHaveLength(1);
    } finally {
      await smtp.stop();
    }
  });

  it('retries a temporary refusal (451) and sends the same bytes once', async () => {
    const smtp = await startFakeSmtp({ endOfData: ['451 4.3.0 Try again later', '250 2.0.0 queued'] });
    try {
      const deferred = outboundMailActivities(stack.db, deskAt(SUPPORT), { ...outboundMailSettings(stack.config), smtpUrl: smtp.url });
      const number = await openTicket();
      const notice = { number, kind: 'escalation' as const, to: 'l2@support.example', level: 'L2', reason: 'カーネルの不具合の疑い', key: `${number}:esc:1` };

      const failure = await failureOf(deferred.sendNotice(notice));
      expect(failure).toMatchObject({ type: 'TemporaryMailFailure', nonRetryable: false });
      const article = await articleOf(number, 'notice');
      expect(await stack.db.selectFrom('outbound_mail').select(['state', 'attempts']).where('article_id', '=', article.id).executeTakeFirst()).toEqual({ state: 'pending', attempts: 1 });

      // What Temporal does next: run the activity again.
      const sent = await deferred.sendNotice(notice);
      expect(sent.sentNow).toBe(true);
      expect((await deferred.sendNotice(notice)).sentNow).toBe(false);
      expect(smtp.transactions).toBe(2);
      expect(smtp.accepted).toHaveLength(1);
      const row = await stack.db.selectFrom('outbound_mail').selectAll().where('article_id', '=', article.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ state: 'sent', attempts: 2 });
      expect(smtp.accepted[0].equals(row.raw)).toBe(true);
      const read = pythonReads(smtp.accepted[0]);
      expect(read.subject).toBe(`[Ticket#${number}] エスカレーション: L2 へ`);
      expect(textOf(read)).toContain('カーネルの不具合の疑い');
      expect(read.to).toBe('l2@support.example');
    } finally {
      await smtp.stop();
    }
  });

  it('leaves a message an attempt is still sending alone, and resends it once that attempt\'s lease is over', async () => {
    const smtp = await startFakeSmtp({});
    try {
      const sender = outboundMailActivities(stack.db, deskAt(SUPPORT), { ...outboundMailSettings(stack.config), smtpUrl: smtp.url });
      const number = await openTicket();
      const notice = { number, kind: 'sla_breach' as const, to: 'owner@desk.test', clock: 'resolution', key: `${number}:sla:4` };
      const sent = await sender.sendNotice(notice);
      // As if that attempt had died between the server's 250 and recording it.
      const stuck = (since: Date) =>
        stack.db.updateTable('outbound_mail').set({ state: 'sending', sending_since: since, sent_at: null }).where('article_id', '=', sent.articleId).execute();

      await stuck(new Date());
      expect(await failureOf(sender.sendNotice(notice))).toMatchObject({ type: 'MailSendInProgress', nonRetryable: false });
      expect(smtp.accepted).toHaveLength(1);

      await stuck(new Date(Date.now() - 3 * 60_000));
      expect(await sender.sendNotice(notice)).toMatchObject({ sentNow: true, messageId: sent.messageId });
      expect(smtp.accepted).toHaveLength(2);
      expect(smtp.accepted[1].equals(smtp.accepted[0])).toBe(true);
    } finally {
      await smtp.stop();
    }
  });

  it('gives up on a message it cannot compose (a user name where an address belongs), without calling the server', async () => {
    const smtp = await startFakeSmtp({});
    try {
      const sender = outboundMailActivities(stack.db, deskAt(SUPPORT), { ...outboundMailSettings(stack.config), smtpUrl: smtp.url });
      const number = await openTicket();
      const failure = await failureOf(sender.sendNotice({ number, kind: 'sla_warning', to: 'alice', clock: 'update', key: `${number}:sla:5` }));
      expect(failure).toMatchObject({ type: 'PermanentMailFailure', nonRetryable: true });
      const events = await stack.db.selectFrom('ticket_events').selectAll().where('ticket_number', '=', number).where('kind', '=', 'mail_failed').execute();
      expect(events.map((e) => e.detail)).toEqual([expect.objectContaining({ reason: expect.stringContaining('"alice"') })]);
      expect(smtp.transactions).toBe(0);
    } finally {
      await smtp.stop();
    }
  });

  it('retries while the server cannot be reached', async () => {
    const unreachable = `smtp://127.0.0.1:${await freePort()}`;
    const down = outboundMailActivities(stack.db, deskAt(SUPPORT), { ...outboundMailSettings(stack.config), smtpUrl: unreachable });
    const number = await openTicket();
    const failure = await failureOf(down.sendNotice({ number, kind: 'sla_breach', to: 'owner@desk.test', clock: 'resolution', key: `${number}:sla:2` }));
    expect(failure).toMatchObject({ type: 'TemporaryMailFailure', nonRetryable: false });
  });
});

describe('outbound mail under Temporal', () => {
  it('is retried by Temporal after 451 until sent once, and not retried after 550', async () => {
    const smtp = await startFakeSmtp({ endOfData: ['451 4.3.0 Try again later', '451 4.3.0 Try again later', '250 2.0.0 queued'] });
    const refusing = await startFakeSmtp({ rcpt: '550 5.7.1 Relaying denied' });
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const taskQueue = `outbound-mail-${randomUUID()}`;
    const settings = outboundMailSettings(stack.config);
    try {
      const run = async (smtpUrl: string, request: Parameters<typeof sendNoticeWorkflow>[0]) => {
        const worker = await Worker.create({
          connection,
          taskQueue,
          workflowsPath: fileURLToPath(new URL('./fixtures/send-mail.workflow.ts', import.meta.url)),
          activities: outboundMailActivities(stack.db, deskAt(SUPPORT), { ...settings, smtpUrl }),
        });
        return worker.runUntil(
          stack.temporal.workflow.execute<typeof sendNoticeWorkflow>('sendNoticeWorkflow', { taskQueue, workflowId: `mail-${randomUUID()}`, args: [request] }),
        );
      };
      const number = await openTicket();
      const sent = await run(smtp.url, { number, kind: 'sla_warning', to: 'owner@desk.test', clock: 'firstResponse', key: `${number}:t:1` });
      expect(sent).toMatchObject({ sentNow: true });
      expect(smtp.transactions).toBe(3);
      expect(smtp.accepted).toHaveLength(1);

      const refused = await run(refusing.url, { number, kind: 'sla_breach', to: 'owner@desk.test', clock: 'firstResponse', key: `${number}:t:2` });
      expect(refused).toBe('refused');
      const row = await stack.db
        .selectFrom('outbound_mail')
        .innerJoin('articles', 'articles.id', 'outbound_mail.article_id')
        .select(['outbound_mail.state', 'outbound_mail.attempts'])
        .where('articles.idempotency_key', '=', `${number}:t:2`)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'failed', attempts: 1 });
    } finally {
      await connection.close();
      await smtp.stop();
      await refusing.stop();
    }
  });
});

describe('outbound mail without SMTP_URL', () => {
  it('writes the message as an .eml file under DATA_DIR/outbox', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-outbox-'));
    const settings = outboundMailSettings(loadConfig({ DATA_DIR: dataDir }));
    expect(settings.smtpUrl).toBeUndefined();
    const local = outboundMailActivities(stack.db, deskAt(SUPPORT), settings);
    const number = await openTicket();
    const sent = await local.sendNotice({ number, kind: 'sla_warning', to: 'owner@desk.test', clock: 'update', key: `${number}:sla:3` });
    const file = path.join(dataDir, 'outbox', `ticket-${number}-${sent.articleId}.eml`);
    const raw = await readFile(file);
    const row = await stack.db.selectFrom('outbound_mail').selectAll().where('article_id', '=', sent.articleId).executeTakeFirstOrThrow();
    expect(raw.equals(row.raw)).toBe(true);
    expect(row).toMatchObject({ state: 'sent', server_response: `written to ${file}` });
    expect(pythonReads(raw)).toMatchObject({ messageId: sent.messageId, subject: `[Ticket#${number}] SLA警告: 更新の期限が近づいています`, ticket: number });
  });
});
