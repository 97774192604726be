// No log line shows a URL's password: one masking function, used for every
// line the logger writes and for the lines that name a database or mailbox.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { maskedDestination } from '../../lib/log';
import { maskCredentials } from '../../lib/mask-credentials';
import { imapSettings } from '../../worker/mailbox-poller';

describe('maskCredentials', () => {
  it.each([
    ['postgres://helpdesk:secret@db.internal/helpdesk', 'postgres://helpdesk:***@db.internal/helpdesk'],
    ['postgres://:secret@db.internal/helpdesk', 'postgres://:***@db.internal/helpdesk'],
    ['postgres://helpdesk:se/cr/et@db.internal/helpdesk', 'postgres://helpdesk:***@db.internal/helpdesk'],
    ['postgres://helpdesk:p@ss@db.internal/helpdesk', 'postgres://helpdesk:***@db.internal/helpdesk'],
    ['postgres://helpdesk:p%40ss@db.internal:5432/helpdesk', 'postgres://helpdesk:***@db.internal:5432/helpdesk'],
    ['postgres://db.internal/helpdesk?user=helpdesk&password=secret', 'postgres://db.internal/helpdesk?user=helpdesk&password=***'],
    ['postgres://db/helpdesk?sslpassword=secret&sslmode=require', 'postgres://db/helpdesk?sslpassword=***&sslmode=require'],
    ['imaps://support%40desk.example:pa:ss@mail.example.jp:993/INBOX', 'imaps://support%40desk.example:***@mail.example.jp:993/INBOX'],
    ['smtp://user@mail.example.jp:587', 'smtp://user@mail.example.jp:587'],
    ['https://example.jp/path?q=1', 'https://example.jp/path?q=1'],
    ['waiting for PostgreSQL at postgres://a:b@h/d and smtps://c:d@m:465', 'waiting for PostgreSQL at postgres://a:***@h/d and smtps://c:***@m:465'],
  ])('%s', (raw, masked) => {
    expect(maskCredentials(raw)).toBe(masked);
  });
});

describe('every log line is masked', () => {
  it('in fields, in messages and in error messages', () => {
    const lines: string[] = [];
    const logger = pino({ base: null, timestamp: false }, maskedDestination({ write: (line) => lines.push(line) }));
    logger.warn({ url: 'postgres://helpdesk:hunter2@db/helpdesk' }, 'connecting');
    logger.error({ err: new Error('cannot reach imap://support:hunter2/x@mail.example.jp/INBOX') }, 'failed');
    logger.info('as text: postgres://:hunter2@db/helpdesk?password=hunter2');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toContain('hunter2');
    expect(lines[0]).toContain('postgres://helpdesk:***@db/helpdesk');
  });

  it("the mail intake's IMAP line", () => {
    const { where, connection } = imapSettings('imap://support:pa%2Fss@mail.example.jp:143/INBOX');
    expect(connection.auth.pass).toBe('pa/ss');
    expect(where).not.toMatch(/pa%2Fss|pa\/ss/);
    expect(where).toContain('mail.example.jp:143');
  });
});
