import { describe, expect, it } from 'vitest';
import { HeaderInjectionError } from '../../activities/mail/encoded-words';
import { decodeMail } from '../../activities/mail/decode';
import { toFullWidthKatakana, type CharsetSetting } from '../../activities/mail/iso-2022-jp';
import { composeMessage, flowLine, MailCompositionError, type OutgoingMail } from '../../activities/outbound-mail/compose-message';
import { pythonReads, textOf, unflowDelSp } from '../support/python-mail';

// Python's email package is the independent reader of what we compose; where
// Python cannot read (CP50220's ①), our own decodeMail is.

const NUMBER = '2026112100042';
const ISO_2022_JP: CharsetSetting = { charset: 'iso-2022-jp', fallback: 'utf-8' };
const MS_FALLBACK: CharsetSetting = { charset: 'iso-2022-jp', fallback: 'iso-2022-jp-ms' };
const UTF_8: CharsetSetting = { charset: 'utf-8', fallback: 'utf-8' };

/** Japanese, a wave dash typed on Windows (U+FF5E), half-width katakana; all of it fits ISO-2022-JP. */
const JIS_TEXT = 'お世話になっております。\n受付時間は 9:30～17:30 です。ｻｰﾊﾞの再起動をお試しください。ｶﾞｲﾄﾞ参照。\n\n以上、よろしくお願いいたします。';
/** The same with a circled digit, which JIS X 0208 does not have. */
const CIRCLED_TEXT = `${JIS_TEXT}\n①電源を切る`;

function mail(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    from: { address: 'support@desk.test' },
    replyTo: { address: 'support@desk.test' },
    to: [{ address: 'customer@example.jp', name: 'ﾔﾏﾀﾞ 太郎' }],
    cc: [{ address: 'team@desk.test' }],
    subject: `Re: [Ticket#${NUMBER}] サーバが起動しません～ﾃｽﾄ環境`,
    body: JIS_TEXT,
    messageId: `<ticket-${NUMBER}-7@desk.test>`,
    inReplyTo: '<customer-1@example.jp>',
    references: ['<customer-0@example.jp>', '<customer-1@example.jp>'],
    date: new Date('2026-11-21T01:02:03Z'),
    ticketNumber: NUMBER,
    ...overrides,
  };
}

/** What a JIS reader shows for text we encoded: full-width katakana, U+FF5E read back as the JIS wave dash U+301C. */
function jisReading(text: string): string {
  return toFullWidthKatakana(text).replace(/\uff5e/g, '\u301c');
}

const lines = (raw: Buffer) => raw.toString('latin1').split('\r\n');
const headerBlock = (raw: Buffer) => raw.toString('latin1').split('\r\n\r\n')[0];
const bodyText = (text: string) => text.replace(/\r\n/g, '\n');

describe('composeMessage', () => {
  it('writes Japanese that fits ISO-2022-JP as 7-bit ISO-2022-JP, headers as ISO-2022-JP encoded words', () => {
    const { raw, charset, envelope } = composeMessage(mail(), ISO_2022_JP);
    expect(charset).toBe('iso-2022-jp');
    expect(envelope).toEqual({ from: 'support@desk.test', to: ['customer@example.jp', 'team@desk.test'] });
    expect([...raw].every((b) => b < 0x80)).toBe(true);
    const head = headerBlock(raw);
    expect(head).toMatch(/^Content-Type: text\/plain; charset=ISO-2022-JP(; format=flowed; delsp=yes)?$/m);
    expect(head).toMatch(/^Content-Transfer-Encoding: 7bit$/m);
    expect(head).not.toMatch(/UTF-8/i);

    const read = pythonReads(raw);
    expect(read.defects).toEqual([]);
    expect(read.subject).toBe(`Re: [Ticket#${NUMBER}] サーバが起動しません〜テスト環境`);
    expect(read.to).toBe('ヤマダ 太郎 <customer@example.jp>');
    expect(read.cc).toBe('team@desk.test');
    expect(read.from).toBe('support@desk.test');
    expect(read.replyTo).toBe('support@desk.test');
    expect(read.charset).toBe('iso-2022-jp');
    expect(textOf(read)).toBe(`${jisReading(JIS_TEXT)}\n`);
    expect(read.body).not.toMatch(/[?\ufffd]/);
  });

  it('threads the mail: our Message-ID, In-Reply-To and References to the customer, the ticket header for the intake', () => {
    const read = pythonReads(composeMessage(mail(), ISO_2022_JP).raw);
    expect(read.messageId).toBe(`<ticket-${NUMBER}-7@desk.test>`);
    expect(read.inReplyTo).toBe('<customer-1@example.jp>');
    expect(read.references!.split(/\s+/)).toEqual(['<customer-0@example.jp>', '<customer-1@example.jp>']);
    expect(read.ticket).toBe(NUMBER);
    expect(headerBlock(composeMessage(mail(), ISO_2022_JP).raw)).toMatch(/^Date: Sat, 21 Nov 2026 10:02:03 \+0900$/m);
  });

  it('marks mail the desk writes itself as Auto-Submitted, and a person\'s answer not', () => {
    expect(headerBlock(composeMessage(mail({ automatic: true }), ISO_2022_JP).raw)).toMatch(/^Auto-Submitted: auto-generated$/m);
    expect(headerBlock(composeMessage(mail(), ISO_2022_JP).raw)).not.toMatch(/Auto-Submitted/);
  });

  it('writes the whole message in UTF-8 (base64) when one character does not fit ISO-2022-JP, by default', () => {
    const { raw, charset } = composeMessage(mail({ body: CIRCLED_TEXT }), ISO_2022_JP);
    expect(charset).toBe('utf-8');
    const head = headerBlock(raw);
    expect(head).toMatch(/^Content-Type: text\/plain; charset=UTF-8$/m);
    expect(head).toMatch(/^Content-Transfer-Encoding: base64$/m);
    // Never mixed: the subject and the name are UTF-8 words too, though they would fit ISO-2022-JP.
    expect(head).not.toMatch(/ISO-2022-JP/);
    const read = pythonReads(raw);
    expect(bodyText(read.body)).toBe(`${CIRCLED_TEXT}\n`);
    expect(read.subject).toBe(mail().subject);
    expect(read.to).toBe('ﾔﾏﾀﾞ 太郎 <customer@example.jp>');
  });

  it('writes CP50220 labelled ISO-2022-JP when that fallback is chosen, and ① survives', () => {
    const { raw, charset } = composeMessage(mail({ body: CIRCLED_TEXT, subject: '①の件' }), MS_FALLBACK);
    expect(charset).toBe('iso-2022-jp-ms');
    expect([...raw].every((b) => b < 0x80)).toBe(true);
    expect(headerBlock(raw)).toMatch(/^Content-Type: text\/plain; charset=ISO-2022-JP(; format=flowed; delsp=yes)?$/m);
    // Python's ISO-2022-JP codec knows only JIS X 0208, so our decoder (which reads CP50220, as Windows mailers do) checks.
    const decoded = decodeMail(raw);
    expect(decoded.problems).toEqual([]);
    expect(decoded.subject).toBe('①の件');
    expect(unflowDelSp(bodyText(decoded.text))).toBe(`${jisReading(CIRCLED_TEXT)}\n`);
  });

  it('falls back to UTF-8 even with the CP50220 fallback when CP50220 cannot carry it (emoji)', () => {
    const { charset, raw } = composeMessage(mail({ body: 'よろしくお願いします🙇' }), MS_FALLBACK);
    expect(charset).toBe('utf-8');
    expect(bodyText(pythonReads(raw).body)).toBe('よろしくお願いします🙇\n');
  });

  it('writes UTF-8 throughout when MAIL_CHARSET is utf-8', () => {
    const { raw, charset } = composeMessage(mail(), UTF_8);
    expect(charset).toBe('utf-8');
    expect(bodyText(pythonReads(raw).body)).toBe(`${JIS_TEXT}\n`);
  });

  it('refuses a body with a broken surrogate rather than writing "?"', () => {
    expect(() => composeMessage(mail({ body: 'abc\ud800def' }), ISO_2022_JP)).toThrow(MailCompositionError);
  });

  describe('refuses header injection', () => {
    const cases: [string, Partial<OutgoingMail>][] = [
      ['subject (LF)', { subject: 'お問い合わせ\nBcc: victim@example.com' }],
      ['subject (CR)', { subject: 'Hello\rBcc: victim@example.com' }],
      ['display name', { to: [{ address: 'customer@example.jp', name: '山田\r\nBcc: victim@example.com' }] }],
      ['address', { to: [{ address: 'customer@example.jp\r\nBcc: victim@example.com' }] }],
      ['Cc address', { cc: [{ address: 'team@desk.test\nBcc: victim@example.com' }] }],
      ['In-Reply-To', { inReplyTo: '<a@b>\r\nBcc: victim@example.com' }],
      ['References', { references: ['<a@b>\nBcc: victim@example.com'] }],
    ];
    it.each(cases)('in the %s', (_, overrides) => {
      expect(() => composeMessage(mail(overrides), ISO_2022_JP)).toThrow(HeaderInjectionError);
    });

    it('and addresses that would smuggle a second recipient or a display name', () => {
      for (const address of ['a@b.jp, victim@example.com', '"x" <victim@example.com>', 'no-at-sign', 'ユーザー@example.jp']) {
        expect(() => composeMessage(mail({ to: [{ address }] }), ISO_2022_JP)).toThrow(MailCompositionError);
      }
    });
  });

  it('quotes an ASCII display name with specials, so it stays one mailbox', () => {
    const read = pythonReads(composeMessage(mail({ to: [{ address: 'customer@example.jp', name: 'Yamada, Taro "Tech"' }] }), ISO_2022_JP).raw);
    expect(read.to).toBe('"Yamada, Taro \\"Tech\\"" <customer@example.jp>');
  });

  describe('line length', () => {
    const longJapanese = 'サーバの再起動後もエラーが解消しない場合は、ログを取得してお送りください。'.repeat(6);
    const url = `https://support.example.jp/kb/${'x'.repeat(100)}`;
    const body = `${longJapanese}\n> 引用された行\nFrom here on, a long English sentence that goes well past the seventy-eight octet limit of RFC 5322.\n${url}\n末尾に空白   `;

    it('keeps every line within 78 octets (a long URL within 998) with format=flowed; delsp=yes', () => {
      const { raw, charset } = composeMessage(mail({ body }), ISO_2022_JP);
      expect(charset).toBe('iso-2022-jp');
      expect(headerBlock(raw)).toMatch(/^Content-Type: text\/plain; charset=ISO-2022-JP; format=flowed; delsp=yes$/m);
      for (const line of lines(raw)) {
        if (line.includes('support.example.jp')) expect(line.length).toBeLessThanOrEqual(998);
        else expect(line.length).toBeLessThanOrEqual(78);
      }
    });

    it('reads back as the text written (after RFC 3676 unflowing; trailing spaces of hard lines dropped)', () => {
      const read = pythonReads(composeMessage(mail({ body }), ISO_2022_JP).raw);
      expect(textOf(read)).toBe(`${jisReading(body).replace(/ +$/gm, '')}\n`);
    });

    it('never starts a line with closing punctuation, and leaves short lines alone', () => {
      const flowed = flowLine('あ'.repeat(35) + '。続き', 'iso-2022-jp');
      expect(flowed.length).toBe(2);
      expect(flowed[1].startsWith('。')).toBe(false);
      const { raw } = composeMessage(mail({ body: '短い行\n> 引用' }), ISO_2022_JP);
      expect(headerBlock(raw)).not.toMatch(/format=flowed/);
    });
  });
});
