import { describe, expect, it } from 'vitest';
import {
  HELPDESK_TICKET_HEADER,
  bouncedMessageId,
  bulkMailNotice,
  classifyIgnorable,
  type MailHeaders,
  type OurMailIdentity,
} from '../../activities/intake/ignore-rules';
import { decodeMail } from '../../activities/mail/decode';

const OURS: OurMailIdentity = {
  supportAddresses: ['support@helpdesk.example.jp'],
  messageIdDomains: ['helpdesk.example.jp'],
};

const CUSTOMER: Record<string, string> = {
  From: '"山田" <yamada@example.co.jp>',
  To: 'support@helpdesk.example.jp',
  'Message-ID': '<20261121.abc@mail.example.co.jp>',
  Subject: 'Re: [Ticket#2026112100042] 障害',
};

function headers(extra: Record<string, string | string[]>): MailHeaders {
  return { ...CUSTOMER, ...extra };
}

describe('classifyIgnorable', () => {
  it('lets an ordinary customer mail through', () => {
    expect(classifyIgnorable(headers({}), OURS)).toBeNull();
  });

  it.each([
    [{ [HELPDESK_TICKET_HEADER]: '2026112100042' }, HELPDESK_TICKET_HEADER],
    [{ 'x-helpdesk-ticket': '2026112100042' }, HELPDESK_TICKET_HEADER], // any case
    [{ 'Message-ID': '<reply.1@helpdesk.example.jp>' }, 'Message-ID'],
    [{ 'Message-ID': '<reply.1@mx1.helpdesk.example.jp>' }, 'Message-ID'],
    [{ From: 'Support Desk <Support@helpdesk.example.jp>' }, 'From'],
  ])('recognises our own mail coming back: %j', (extra, evidence) => {
    expect(classifyIgnorable(headers(extra), OURS)).toMatchObject({ kind: 'own-mail', evidence: expect.stringContaining(evidence) });
  });

  it('does not take a look-alike domain for ours', () => {
    expect(classifyIgnorable(headers({ 'Message-ID': '<x@nothelpdesk.example.jp>' }), OURS)).toBeNull();
  });

  it.each([
    [{ 'Auto-Submitted': 'auto-replied' }],
    [{ 'Auto-Submitted': 'auto-generated (vacation)' }],
    [{ 'X-Auto-Response-Suppress': 'All' }],
    [{ 'X-Auto-Response-Suppress': 'DR, OOF, AutoReply' }],
    [{ Precedence: 'auto_reply' }],
    [{ 'X-Autoreply': 'yes' }],
    [{ 'X-Autorespond': 'Out of office' }],
    [{ 'Content-Type': 'multipart/report; report-type=disposition-notification; boundary=x' }],
    [{ Subject: 'Automatic reply: Server down' }],
    [{ Subject: 'Out of Office: 障害' }],
    [{ Subject: '【自動返信】お問い合わせありがとうございます' }],
    [{ Subject: '=?UTF-8?B?44CQ6Ieq5YuV6L+U5L+h44CR?= x' }], // 【自動返信】 as an encoded word
    [{ Subject: '不在通知' }],
  ])('recognises an auto-reply: %j', (extra) => {
    expect(classifyIgnorable(headers(extra), OURS)).toMatchObject({ kind: 'auto-reply' });
  });

  it.each([
    [{ 'Auto-Submitted': 'no' }],
    [{ 'X-Auto-Response-Suppress': 'RN, NRN' }],
    [{ Precedence: 'list' }],
    [{ Precedence: 'bulk' }], // bulk and list mail is written for people: a ticket, flagged (bulkMailNotice)
    [{ Precedence: 'junk' }],
    [{ Precedence: 'bulk', 'List-Id': '<sys-ml.example.co.jp>' }], // fml stamps bulk on every list post
    [{ 'List-Unsubscribe': '<mailto:leave@lists.example.co.jp>' }],
    [{ 'X-Autoreply': 'no' }],
    [{ Subject: 'Autoreply does not work since the update' }], // a customer asking about their own auto-reply
    [{ Subject: '自動返信の設定方法を教えてください' }],
    [{ Subject: 'Re: 不在時の転送設定について' }],
  ])('is not fooled by %j', (extra) => {
    expect(classifyIgnorable(headers(extra), OURS)).toBeNull();
  });

  it.each([
    [{ Precedence: 'bulk' }, 'bulk mail (Precedence: bulk)'],
    [{ Precedence: 'junk' }, 'bulk mail (Precedence: junk)'],
    [{ Precedence: 'list' }, 'bulk mail (Precedence: list)'],
    [{ 'List-Id': '<sys-ml.example.co.jp>' }, 'list mail (List-Id: <sys-ml.example.co.jp>)'],
    [{ 'List-Unsubscribe': '<mailto:leave@lists.example.co.jp>' }, 'list mail (List-Unsubscribe: <mailto:leave@lists.example.co.jp>)'],
  ])('flags bulk and list mail for its ticket: %j', (extra, notice) => {
    expect(classifyIgnorable(headers(extra), OURS)).toBeNull();
    expect(bulkMailNotice(headers(extra))).toMatch(new RegExp(`^${notice.replace(/[()]/g, '\\$&')}`));
  });

  it('does not flag a mail sent to the desk alone', () => {
    expect(bulkMailNotice(headers({}))).toBeNull();
  });

  it('reads a Map with any-case names, as decodeMail returns', () => {
    const map = new Map([
      ['from', ['yamada@example.co.jp']],
      ['AUTO-SUBMITTED', ['auto-replied']],
    ]);
    expect(classifyIgnorable(map, OURS)).toMatchObject({ kind: 'auto-reply' });
  });

  it('calls a bounce a bounce even when it also says Auto-Submitted or comes from our domain', () => {
    const reason = classifyIgnorable(
      headers({
        From: 'Mail Delivery System <MAILER-DAEMON@mx1.helpdesk.example.jp>',
        'Auto-Submitted': 'auto-replied',
        'Message-ID': '<bounce.1@mx1.helpdesk.example.jp>',
      }),
      OURS,
    );
    expect(reason).toMatchObject({ kind: 'bounce', originalMessageId: null });
  });
});

const DSN = [
  'From: Mail Delivery System <MAILER-DAEMON@mx.example.co.jp>',
  'To: support@helpdesk.example.jp',
  'Subject: Undelivered Mail Returned to Sender',
  'Message-ID: <dsn.20261121@mx.example.co.jp>',
  'Auto-Submitted: auto-replied',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status;',
  '\tboundary="B1"',
  '',
  '--B1',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'I could not deliver your message to <tanaka@example.co.jp>. Message-ID: <not-this@x>',
  '',
  '--B1',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.example.co.jp',
  '',
  'Final-Recipient: rfc822; tanaka@example.co.jp',
  'Action: failed',
  'Status: 5.1.1',
  '',
  '--B1',
  'Content-Type: RETURNED_TYPE',
  'Content-Description: Undelivered Message Headers',
  '',
  'From: support@helpdesk.example.jp',
  'To: tanaka@example.co.jp',
  'Subject: Re: [Ticket#2026112100042]',
  'Message-ID:',
  ' <answer.2026112100042.3@helpdesk.example.jp>',
  `${HELPDESK_TICKET_HEADER}: 2026112100042`,
  '',
  '--B1--',
  '',
].join('\r\n');

describe('bounces', () => {
  it.each(['text/rfc822-headers', 'message/rfc822'])('finds the Message-ID of the bounced mail in a %s part', (type) => {
    const raw = Buffer.from(DSN.replace('RETURNED_TYPE', type));
    const mail = decodeMail(raw);
    expect(classifyIgnorable(mail.headers, OURS, raw)).toEqual({
      kind: 'bounce',
      evidence: 'multipart/report; report-type=delivery-status',
      originalMessageId: '<answer.2026112100042.3@helpdesk.example.jp>',
    });
  });

  it('reads a base64-encoded rfc822-headers part', () => {
    const returned = 'From: support@helpdesk.example.jp\r\nMessage-ID: <b64.1@helpdesk.example.jp>\r\n\r\n';
    const raw = [
      'From: MAILER-DAEMON@mx.example.co.jp',
      'Content-Type: multipart/report; report-type=delivery-status; boundary=Z',
      '',
      '--Z',
      'Content-Type: text/rfc822-headers',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(returned).toString('base64'),
      '--Z--',
      '',
    ].join('\r\n');
    expect(bouncedMessageId(raw)).toBe('<b64.1@helpdesk.example.jp>');
  });

  it('finds the quoted Message-ID in an old plain-text bounce from MAILER-DAEMON', () => {
    const raw = [
      'From: MAILER-DAEMON@old.example.co.jp',
      'Subject: failure notice',
      'Message-ID: <qmail.1@old.example.co.jp>',
      '',
      "Hi. This is the qmail-send program. I'm afraid I wasn't able to deliver your message.",
      '',
      '--- Below this line is a copy of the message.',
      '',
      'From: support@helpdesk.example.jp',
      'Message-Id: <plain.7@helpdesk.example.jp>',
      '',
    ].join('\n');
    const mail = decodeMail(Buffer.from(raw));
    expect(classifyIgnorable(mail.headers, OURS, raw)).toMatchObject({
      kind: 'bounce',
      evidence: 'From: mailer-daemon@old.example.co.jp',
      originalMessageId: '<plain.7@helpdesk.example.jp>',
    });
  });

  it('says so when a bounce carries no Message-ID of the original', () => {
    expect(bouncedMessageId('From: MAILER-DAEMON@x\r\n\r\nsorry, no copy attached\r\n')).toBeNull();
  });
});
