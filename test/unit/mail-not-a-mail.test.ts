// Whatever bytes come in are read as well as they can be: nothing is refused
// but an empty body, nothing the sender wrote is dropped unsaid.
import { describe, expect, it } from 'vitest';
import { decodeMail } from '../../activities/mail/decode';

describe('bytes that are not a mail', () => {
  it('garbage: no headers, all of it read as the body, kept as an attachment when no charset fits, and said so', () => {
    const garbage = Buffer.from([0xff, 0xfe, 0x01, 0x00, 0x9c, 0x0a, 0x81, 0x3a, 0x20, 0xe9, 0x0d, 0x0a, 0x0d, 0x0a, 0xc3, 0x28, 0x7f]);
    const mail = decodeMail(garbage);
    expect(mail.notAMail).toBe(true);
    expect(mail.headers.size).toBe(0);
    expect(mail.subject).toBe('');
    expect(mail.from).toBeNull();
    expect(mail.problems[0]).toMatch(/^not a mail \(message\/rfc822\): no header field before the first empty line \(it begins "\\xff\\xfe\\x01\\x00/);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ filename: 'undecodable-body.txt', size: garbage.length });
    expect(mail.attachments[0].content.equals(garbage)).toBe(true);
  });

  it('plain text without headers: its text is the body', () => {
    const mail = decodeMail(Buffer.from('my server is down\r\nplease help\r\n\r\nsato'));
    expect(mail.notAMail).toBe(true);
    expect(mail.text).toBe('my server is down\nplease help\n\nsato');
    expect(mail.problems).toHaveLength(1);
  });

  it('a message starting with an empty line has no headers: flagged, its body read', () => {
    const mail = decodeMail(Buffer.from('\r\nhello'));
    expect(mail.notAMail).toBe(true);
    expect(mail.text).toBe('hello');
    expect(mail.problems).toEqual([expect.stringMatching(/^not a mail: the message has no headers/)]);
  });

  it('nothing (an empty message from the mailbox, or only a From_ line)', () => {
    for (const raw of [Buffer.alloc(0), Buffer.from('From someone@example.com Mon Dec  1 10:00:00 2026\r\n')]) {
      const mail = decodeMail(raw);
      expect(mail.notAMail).toBe(true);
      expect(mail.problems).toEqual(['not a mail: the message is empty (no headers, no body)']);
    }
  });
});

describe('damaged mail', () => {
  it('lines in the header block that are not header fields are left out and said so', () => {
    const mail = decodeMail(Buffer.from('From: a@example.jp\r\nthis is no header\r\nSubject: hi\r\n\r\nbody'));
    expect(mail.notAMail).toBeUndefined();
    expect(mail.subject).toBe('hi');
    expect(mail.text).toBe('body');
    expect(mail.problems).toEqual(['header block: 1 line that is not a header field left out (the first: "this is no header"); the raw message keeps it']);
  });

  it('a MIME part without headers and without the empty line keeps its text', () => {
    const raw = Buffer.from(
      'From: a@example.jp\r\nSubject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
        '--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n--b\r\nsecond, no headers\r\n--b--\r\n',
    );
    const mail = decodeMail(raw);
    expect(mail.text).toBe('first\nsecond, no headers');
    expect(mail.problems).toEqual([]);
  });

  it('a mail with only headers and no body is a mail', () => {
    const mail = decodeMail(Buffer.from('From: a@example.jp\r\nSubject: only headers\r\n'));
    expect(mail.notAMail).toBeUndefined();
    expect(mail.subject).toBe('only headers');
    expect(mail.problems).toEqual([]);
  });
});
