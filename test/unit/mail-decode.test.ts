import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../activities/mail/charsets';
import { decodeMail } from '../../activities/mail/decode';
import { decodeHeaderValue, parseStructuredHeader } from '../../activities/mail/header-words';

const FIXTURES = new URL('../fixtures/mail/', import.meta.url);

function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

// The texts make-japanese-mails.py encodes; change both together.
const SUBJECT = '【至急】サーバー障害のご報告（第２報）';
const SENDER_NAME = '山田 太郎';
const BODY =
  'サポートご担当者様\n' +
  '\n' +
  'お世話になっております。株式会社サンプル 情報システム部の山田です。\n' +
  '本日午前９時頃から、受注システムにログインできない状態が続いております。\n' +
  'エラー番号は E-1024 です。至急ご確認をお願いいたします。\n';
const EXTRA = '①Ⅰ㈱ 髙橋 ｶﾀｶﾅ\n';

function raw(lines: (string | Buffer)[]): Buffer {
  return Buffer.concat(lines.map((l) => (typeof l === 'string' ? Buffer.from(`${l}\r\n`, 'utf8') : l)));
}

describe('the same Japanese mail in every encoding decodes to the same Unicode', () => {
  it.each([
    ['ja-iso-2022-jp.eml', BODY, 'iso-2022-jp'],
    ['ja-iso-2022-jp-unlabelled.eml', BODY, 'iso-2022-jp'],
    ['ja-cp50220.eml', BODY + EXTRA, 'iso-2022-jp'],
    ['ja-shift_jis.eml', BODY, 'cp932'],
    ['ja-cp932.eml', BODY + EXTRA, 'cp932'],
    ['ja-euc-jp.eml', BODY, 'euc-jp'],
    ['ja-utf-8.eml', BODY + EXTRA, 'utf-8'],
  ])('%s', (name, body, bodyCharset) => {
    const mail = decodeMail(fixture(name));
    expect(mail.subject).toBe(SUBJECT);
    expect(mail.from).toEqual({ name: SENDER_NAME, address: 'yamada@example.co.jp' });
    expect(mail.to).toEqual([{ name: '', address: 'support@helpdesk.example.jp' }]);
    expect(mail.text).toBe(body);
    expect(mail.charsets).toContain(bodyCharset);
    expect(mail.problems).toEqual([]);
    expect(mail.messageId).toMatch(/^<ja-.+@mail\.example\.co\.jp>$/);
    expect(mail.date).toBe('2026-11-21T00:15:00.000Z');
    expect(mail.text).not.toContain('\ufffd');
  });
});

describe('Japanese charsets', () => {
  // JIS 1-33 (〜) and friends: Windows and JIS map them to different code points.
  it('maps the JIS/Windows look-alikes to one form whatever the charset', () => {
    const waveDash = [
      decodeText(Buffer.from('\x1b$B!A\x1b(B', 'latin1'), 'iso-2022-jp'),
      decodeText(Buffer.from([0x81, 0x60]), 'shift_jis'),
      decodeText(Buffer.from([0xa1, 0xc1]), 'euc-jp'),
    ].map((d) => d.text);
    expect(new Set(waveDash)).toEqual(new Set(['\u301c']));
    const minusAndNot = [
      decodeText(Buffer.from('\x1b$B!]"L\x1b(B', 'latin1'), 'iso-2022-jp'),
      decodeText(Buffer.from([0x81, 0x7c, 0x81, 0xca]), 'cp932'),
    ].map((d) => d.text);
    expect(minusAndNot[0]).toBe(minusAndNot[1]);
  });

  it('reads Shift_JIS labelled as ISO-2022-JP', () => {
    const decoded = decodeText(Buffer.from([0x82, 0xa8, 0x96, 0xe2]), 'iso-2022-jp');
    expect(decoded).toMatchObject({ text: 'お問', charset: 'cp932', ok: true });
  });

  it('tells EUC-JP from Shift_JIS when neither is declared', () => {
    expect(decodeText(Buffer.from([0xa4, 0xa2, 0xa4, 0xa4]), null)).toMatchObject({ text: 'あい', charset: 'euc-jp' });
    expect(decodeText(Buffer.from([0x82, 0xa0, 0x82, 0xa2]), null)).toMatchObject({ text: 'あい', charset: 'cp932' });
  });
});

describe('headers', () => {
  it('joins encoded words before decoding, so a character split between them survives', () => {
    const utf8 = Buffer.from('障害のご報告', 'utf8');
    const words = [utf8.subarray(0, 4), utf8.subarray(4)].map((b) => `=?UTF-8?B?${b.toString('base64')}?=`);
    expect(decodeHeaderValue(words.join('\r\n ').replace(/\r\n/g, ''))).toMatchObject({ text: '障害のご報告', ok: true });

    const jis = Buffer.from('\x1b$B>c32\x1b(B', 'latin1'); // 障害
    const jisWords = [jis.subarray(0, 4), jis.subarray(4)].map((b) => `=?ISO-2022-JP?B?${b.toString('base64')}?=`);
    expect(decodeHeaderValue(jisWords.join(' ')).text).toBe('障害');
  });

  it('keeps the space between an encoded word and plain text, drops it between two encoded words', () => {
    expect(decodeHeaderValue('Re: =?UTF-8?Q?=E9=9A=9C?= =?UTF-8?Q?=E5=AE=B3?= report').text).toBe('Re: 障害 report');
  });

  it('decodes raw 8-bit headers: UTF-8 first, then the Japanese charsets', () => {
    const asHeader = (b: Buffer) => b.toString('latin1');
    expect(decodeHeaderValue(asHeader(Buffer.from('障害のご報告', 'utf8'))).text).toBe('障害のご報告');
    expect(decodeHeaderValue(asHeader(Buffer.from([0x8f, 0xe1, 0x8a, 0x51]))).text).toBe('障害'); // Shift_JIS
    expect(decodeHeaderValue(asHeader(Buffer.from([0xbe, 0xe3, 0xb3, 0xb2]))).text).toBe('障害'); // EUC-JP
  });

  it('reads RFC 2231 file names with a charset and continuations', () => {
    const name = Buffer.from('\x1b$B8+@Q=q\x1b(B.pdf', 'latin1'); // 見積書.pdf
    const pct = [...name].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
    const header = `attachment; filename*0*=iso-2022-jp'ja'${pct.slice(0, 15)}; filename*1*=${pct.slice(15)}; filename="fallback.pdf"`;
    expect(parseStructuredHeader(header).params.filename).toBe('見積書.pdf');
    expect(parseStructuredHeader('attachment; filename*0="report"; filename*1=".pdf"').params.filename).toBe('report.pdf');
  });

  it('reads threading headers', () => {
    const mail = decodeMail(
      raw([
        'From: a@example.jp',
        'In-Reply-To: <r1@helpdesk.example.jp> (from support)',
        'References: <r0@helpdesk.example.jp>',
        '\t<r1@helpdesk.example.jp>',
        '',
        'hi',
      ]),
    );
    expect(mail.inReplyTo).toBe('<r1@helpdesk.example.jp>');
    expect(mail.references).toEqual(['<r0@helpdesk.example.jp>', '<r1@helpdesk.example.jp>']);
  });
});

describe('attachments', () => {
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  it('keeps a password-protected ZIP and an .xlsm byte for byte, with size and sha256', () => {
    const mail = decodeMail(fixture('ja-attachments.eml'));
    expect(mail.text).toBe(BODY);
    expect(mail.subject).toBe(SUBJECT);
    const byName = new Map(mail.attachments.map((a) => [a.filename, a]));
    expect([...byName.keys()]).toEqual(['御見積書_２０２６年度.pdf', '資料（パスワード別送）.zip', '集計表.xlsm']);

    for (const [filename, file] of [
      ['資料（パスワード別送）.zip', 'attachments/secret.zip'],
      ['集計表.xlsm', 'attachments/macro.xlsm'],
    ]) {
      const expected = fixture(file);
      const attachment = byName.get(filename)!;
      expect(attachment.size).toBe(expected.length);
      expect(attachment.sha256).toBe(sha256(expected));
      expect(attachment.content.equals(expected)).toBe(true);
    }
    // The ZIP really is encrypted (general purpose flag bit 0), so nobody can scan it.
    expect(byName.get('資料（パスワード別送）.zip')!.content.readUInt16LE(6) & 1).toBe(1);
    expect(byName.get('集計表.xlsm')!.contentType).toBe('application/vnd.ms-excel.sheet.macroenabled.12');
    expect(mail.problems).toEqual([]);
  });
});

describe('what cannot be decoded is kept and reported, never silently replaced', () => {
  it('keeps an undecodable body as an attachment and says so', () => {
    const body = Buffer.from([0x82, 0xa8, 0x20, 0xff, 0xfe, 0x82, 0x20]);
    const mail = decodeMail(raw(['From: a@example.jp', 'Content-Type: text/plain; charset=shift_jis', '', body]));
    expect(mail.problems).toHaveLength(1);
    expect(mail.problems[0]).toMatch(/no charset fits/);
    const kept = mail.attachments.find((a) => a.filename === 'undecodable-body.txt')!;
    expect(kept.content.equals(body)).toBe(true);
    expect(mail.text.startsWith('お')).toBe(true);
  });

  it('reports damaged UTF-8 instead of passing U+FFFD along or guessing another charset', () => {
    const text = Buffer.from('お世話になっております。受注システムの件です。', 'utf8');
    const damaged = Buffer.concat([text.subarray(0, 10), text.subarray(11)]); // one byte of に lost
    const mail = decodeMail(raw(['Content-Type: text/plain; charset=utf-8', '', damaged]));
    expect(mail.problems).toHaveLength(1);
    expect(mail.charsets).toEqual(['utf-8']);
    expect(mail.text).toContain('受注システムの件です。');
    expect(mail.attachments[0].content.equals(damaged)).toBe(true);
  });

  it('reports a header that no charset fits', () => {
    const mail = decodeMail(raw([Buffer.from('Subject: \xff\xfe\xfd\r\n', 'latin1'), '', 'x']));
    expect(mail.problems.join('\n')).toMatch(/header subject/);
  });

  it('reports gaiji (user-defined characters)', () => {
    const mail = decodeMail(raw(['Content-Type: text/plain; charset=cp932', '', Buffer.from([0xf0, 0x40])]));
    expect(mail.problems.join('\n')).toMatch(/gaiji/);
  });
});

describe('structure', () => {
  it('reduces an HTML-only mail to text and keeps the HTML', () => {
    const mail = decodeMail(
      raw([
        'Content-Type: text/html; charset=utf-8',
        '',
        '<html><head><style>p{}</style></head><body><p>障害&amp;復旧</p><p>A<br>B&#x2460;</p>',
        '<p>受注システムに',
        'ログインできません</p></body></html>',
      ]),
    );
    expect(mail.text).toBe('障害&復旧\n\nA\nB①\n\n受注システムにログインできません');
    expect(mail.html).toContain('<p>障害&amp;復旧</p>');
  });

  it('prefers the plain part of multipart/alternative and unflows format=flowed', () => {
    const mail = decodeMail(
      raw([
        'Content-Type: multipart/alternative; boundary="alt"',
        '',
        '--alt',
        'Content-Type: text/plain; charset=utf-8; format=flowed',
        '',
        'one long ',
        'line',
        '--alt',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>one long line</p>',
        '--alt--',
      ]),
    );
    expect(mail.text).toBe('one long line');
    expect(mail.html).toBe('<p>one long line</p>');
  });
});

describe('SpamAssassin corpus samples', () => {
  it('decodes an ISO-2022-JP mail', () => {
    const mail = decodeMail(fixture('spamassassin-spam-1-00325-iso-2022-jp.eml'));
    expect(mail.subject).toBe('未承諾広告※灼熱！出会いの広場');
    expect(mail.text).toContain('突然のメール失礼いたします。');
    expect(mail.problems).toEqual([]);
  });

  it('decodes ISO-2022-JP with the charset on a folded line, and raw JIS in the quoted text', () => {
    const mail = decodeMail(fixture('spamassassin-hard-ham-1-00042-iso-2022-jp.eml'));
    expect(mail.subject.startsWith('Re: 三菱化学エンジニアリング様プロセスダウン')).toBe(true);
    expect(mail.text).toContain('お世話になっております。');
    expect(mail.text).not.toContain('\x1b');
    expect(mail.problems).toEqual([]);
  });

  it('decodes a GB2312 HTML mail', () => {
    const mail = decodeMail(fixture('spamassassin-spam-1-00397-gb2312.eml'));
    expect(mail.subject).toBe('50元获得一亿五千万EMAIL地址的机会');
    expect(mail.from?.name).toBe('全球EMAIL地址销售网');
    expect(mail.text).toContain('全球EMAIL地址销售网');
    expect(mail.problems).toEqual([]);
  });

  it('decodes ks_c_5601-1987, raw 8-bit Korean headers guided by the body charset', () => {
    const mail = decodeMail(fixture('spamassassin-spam-2-01072-ks_c_5601.eml'));
    expect(mail.subject).toBe('(광고)신선한 촛불파티에 초대합니다');
    expect(mail.text).toContain('신선한 촛불 파티에 초대 합니다');
    expect(mail.problems).toEqual([]);
  });
});

describe('HTML character references', () => {
  it('decodes every HTML5 named reference and numeric ones, as the sender wrote them', async () => {
    const { htmlToText } = await import('../../activities/mail/html-to-text');
    expect(htmlToText('<p>Stra&szlig;e &uuml;ber &ni; &#x263A; &#9731; &yen;1,000&nbsp;円 &unknown;</p>')).toBe('Straße über ∋ ☺ ☃ ¥1,000 円 &unknown;');
  });
});
