import { describe, expect, it } from 'vitest';
import { mailIdentity, messageIdOf } from '../../activities/intake/intake-key';
import { decodeMail } from '../../activities/mail/decode';
import { withoutMboxFromLine } from '../../activities/mail/mbox-from-line';

const FROM_LINE = 'From sender@example.com Mon Dec  1 10:00:00 2026';

function longHeaderMail(eol: string, fromLine = true): Buffer {
  const received = Array.from({ length: 60 }, (_, i) => `Received: from relay${i}.example.net by mx.desk.test with ESMTP id ${i};${eol} Mon, 1 Dec 2026 10:00:00 +0900${eol}`).join('');
  return Buffer.from(
    (fromLine ? `${FROM_LINE}${eol}` : '') +
      received +
      `From: Sender <sender@example.com>${eol}Subject: Long headers${eol}Message-ID: <long@example.com>${eol}Content-Type: text/plain; charset=us-ascii${eol}${eol}Hello${eol}`,
    'latin1',
  );
}

describe('withoutMboxFromLine', () => {
  it('skips a leading mbox From_ line ending in CRLF or LF, as a view of the same bytes', () => {
    for (const eol of ['\r\n', '\n']) {
      const raw = Buffer.from(`${FROM_LINE}${eol}Subject: x${eol}${eol}body`, 'latin1');
      const rest = withoutMboxFromLine(raw);
      expect(rest.toString('latin1')).toBe(`Subject: x${eol}${eol}body`);
      expect(rest.buffer).toBe(raw.buffer);
    }
  });

  it('leaves everything else as it is: a From: header, no From_ line, a From_ line with nothing after it, nothing', () => {
    for (const text of ['From: a@example.com\r\n\r\nbody', 'Subject: x\r\n\r\nFrom me\r\n', 'From sender@example.com', 'Fro', '']) {
      const raw = Buffer.from(text, 'latin1');
      expect(withoutMboxFromLine(raw)).toBe(raw);
    }
  });

  it('leaves the stored bytes alone: the intake key and SHA-256 are those of the mail as received', () => {
    const raw = longHeaderMail('\r\n');
    const before = Buffer.from(raw);
    withoutMboxFromLine(raw);
    expect(raw.equals(before)).toBe(true);
    const identity = mailIdentity(raw);
    expect(identity.messageId).toBe('<long@example.com>');
    // Keyed by the Message-ID: the same mail without its From_ line is the same mail.
    expect(identity.intakeKey).toBe(mailIdentity(longHeaderMail('\r\n', false)).intakeKey);
    expect(identity.sha256).not.toBe(mailIdentity(longHeaderMail('\r\n', false)).sha256);
  });
});

describe('a mail beginning with a From_ line and more than 4 KB of headers', () => {
  it.each([
    ['CRLF', '\r\n'],
    ['LF', '\n'],
  ])('is decoded with all its headers (%s)', (_, eol) => {
    const raw = longHeaderMail(eol);
    expect(raw.indexOf(`${eol}${eol}`)).toBeGreaterThan(4096);
    const mail = decodeMail(raw);
    expect(mail.subject).toBe('Long headers');
    expect(mail.from).toEqual({ name: 'Sender', address: 'sender@example.com' });
    expect(mail.messageId).toBe('<long@example.com>');
    expect(mail.headers.get('received')).toHaveLength(60);
    expect([...mail.headers.keys()].some((name) => name.startsWith('from '))).toBe(false);
    expect(mail.text.trim()).toBe('Hello');
    expect(mail.problems).toEqual([]);
    expect(mail.notAMail).toBeUndefined();
    expect(messageIdOf(raw)).toBe('<long@example.com>');
  });
});
