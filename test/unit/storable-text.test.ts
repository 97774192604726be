import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeMail, type DecodedMail } from '../../activities/mail/decode';
import { storableMail, storableText } from '../../activities/mail/storable-text';

/** What PostgreSQL refuses in text or jsonb: a NUL, or an unpaired surrogate (JSON escapes it, jsonb refuses the escape). */
function unstorable(text: string): boolean {
  return /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

describe('storableText', () => {
  it('removes NUL characters and counts them', () => {
    expect(storableText('a\u0000b\u0000\u0000c')).toEqual({ text: 'abc', nul: 3, surrogates: 0 });
  });

  it('removes unpaired surrogates (high alone, low alone, high at the end) and keeps pairs', () => {
    const text = 'x\ud800y\udc00z😀\ud83d';
    expect(storableText(text)).toEqual({ text: 'xyz😀', nul: 0, surrogates: 3 });
  });

  it('leaves other text untouched, other control characters and U+FFFD included', () => {
    const text = 'tab\there\u0001\u007f 日本語 \ufffd';
    expect(storableText(text)).toEqual({ text, nul: 0, surrogates: 0 });
  });
});

function mail(overrides: Partial<DecodedMail>): DecodedMail {
  const content = Buffer.from([0x50, 0x4b, 0x00, 0x00, 0x01]);
  return {
    headers: new Map([['subject', ['Hello']]]),
    subject: 'Hello',
    from: { name: 'Sato', address: 'sato@example.jp' },
    replyTo: [],
    to: [{ name: '', address: 'support@desk.test' }],
    cc: [],
    messageId: '<a@example.jp>',
    inReplyTo: null,
    references: [],
    date: null,
    text: 'body',
    attachments: [{ filename: 'log.zip', contentType: 'application/zip', size: content.length, content, sha256: createHash('sha256').update(content).digest('hex'), inline: false }],
    charsets: ['us-ascii'],
    problems: [],
    ...overrides,
  };
}

describe('storableMail', () => {
  it('changes nothing and reports nothing when there is nothing to remove', () => {
    const clean = mail({});
    const { mail: result, removed } = storableMail(clean);
    expect(removed).toEqual([]);
    expect(result).toEqual(clean);
  });

  it('cleans every text the intake stores and names each field it removed something from', () => {
    const dirty = mail({
      subject: 'Hel\u0000lo',
      from: { name: 'Sa\u0000to', address: 'sato@example.jp' },
      cc: [{ name: 'A', address: 'a@example.jp' }, { name: 'B\ud800', address: 'b@example.jp' }],
      messageId: '<a\u0000@example.jp>',
      references: ['<r\u0000@x>', '<s\u0000@x>'],
      text: 'before\u0000after \udc00',
      html: '<p>x\u0000</p>',
      headers: new Map([
        ['subject', ['Hel\u0000lo']],
        ['x-weird\u0000', ['v']],
        ['received', ['from a\u0000', 'from b\u0000\u0000']],
      ]),
      attachments: [{ ...mail({}).attachments[0], filename: 'lo\u0000g.zip', contentId: '<c\u0000>' }],
    });
    const { mail: result, removed } = storableMail(dirty);

    expect(result.subject).toBe('Hello');
    expect(result.from).toEqual({ name: 'Sato', address: 'sato@example.jp' });
    expect(result.cc[1]).toEqual({ name: 'B', address: 'b@example.jp' });
    expect(result.messageId).toBe('<a@example.jp>');
    expect(result.references).toEqual(['<r@x>', '<s@x>']);
    expect(result.text).toBe('beforeafter ');
    expect(result.html).toBe('<p>x</p>');
    expect(result.headers).toEqual(new Map([['subject', ['Hello']], ['x-weird', ['v']], ['received', ['from a', 'from b']]]));
    expect(result.attachments[0]).toMatchObject({ filename: 'log.zip', contentId: '<c>' });
    // Attachment bytes are stored as bytes: their NULs stay.
    expect(result.attachments[0].content.equals(dirty.attachments[0].content)).toBe(true);
    expect(unstorable(JSON.stringify(result))).toBe(false);
    expect(unstorable(JSON.stringify(Object.fromEntries(result.headers)))).toBe(false);

    expect(removed).toEqual([
      'subject: 1 NUL character (U+0000) removed, which PostgreSQL cannot store; the raw message keeps the original bytes',
      'From name: 1 NUL character (U+0000) removed, which PostgreSQL cannot store; the raw message keeps the original bytes',
      'Cc 2 name: 1 unpaired UTF-16 surrogate removed, which PostgreSQL cannot store; the raw message keeps the original bytes',
      'Message-ID: 1 NUL character (U+0000) removed, which PostgreSQL cannot store; the raw message keeps the original bytes',
      'References: 2 NUL characters (U+0000) removed, which PostgreSQL cannot store; the raw message keeps the original bytes',
      'body text: 1 NUL character (U+0000) and 1 unpaired UTF-16 surrogate removed, which PostgreSQL cannot store; the raw message keeps the original bytes',
      'HTML body: 1 NUL character (U+0000) removed, which PostgreSQL cannot store; the raw message keeps the original bytes',
      'attachment 1 file name: 1 NUL character (U+0000) removed, which PostgreSQL cannot store; the raw message keeps the original bytes',
      'attachment 1 Content-ID: 1 NUL character (U+0000) removed, which PostgreSQL cannot store; the raw message keeps the original bytes',
      'header subject: 1 NUL character (U+0000) removed, which PostgreSQL cannot store; the raw message keeps the original bytes',
      'header name "x-weird\\u0000": 1 NUL character (U+0000) removed, which PostgreSQL cannot store; the raw message keeps the original bytes',
      'header received: 3 NUL characters (U+0000) removed, which PostgreSQL cannot store; the raw message keeps the original bytes',
    ]);
  });

  it('cleans a decoded mail with a NUL in its text part', () => {
    const raw = Buffer.concat([
      Buffer.from('From: a@example.jp\r\nSubject: log\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbefore'),
      Buffer.from([0]),
      Buffer.from('after\r\n'),
    ]);
    const decoded = decodeMail(raw);
    expect(decoded.text).toContain('\u0000');
    const { mail: result, removed } = storableMail(decoded);
    expect(result.text).toBe('beforeafter\n');
    expect(removed).toEqual([expect.stringMatching(/^body text: 1 NUL character/)]);
  });
});
