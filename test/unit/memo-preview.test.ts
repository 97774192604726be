import { describe, expect, it } from 'vitest';
import { composeMessage, type OutgoingMail } from '../../activities/outbound-mail/compose-message';
import { chooseCharset, decodeIso2022Jp, type CharsetSetting } from '../../activities/mail/iso-2022-jp';
import { previewMemoCharset, type MemoCharsetPreview } from '../../web/memo-preview';

const ISO_THEN_UTF8: CharsetSetting = { charset: 'iso-2022-jp', fallback: 'utf-8' };
const ISO_THEN_MS: CharsetSetting = { charset: 'iso-2022-jp', fallback: 'iso-2022-jp-ms' };
const UTF8: CharsetSetting = { charset: 'utf-8', fallback: 'utf-8' };
const UTF8_WITH_MS_FALLBACK: CharsetSetting = { charset: 'utf-8', fallback: 'iso-2022-jp-ms' };
const ALL_SETTINGS = [ISO_THEN_UTF8, ISO_THEN_MS, UTF8, UTF8_WITH_MS_FALLBACK];

/** An answer as composeMessage gets it, with ASCII-only subject and names so only the body decides. */
function answerMail(body: string): OutgoingMail {
  return {
    from: { address: 'support@example.jp' },
    to: [{ address: 'customer@example.jp' }],
    subject: 'Re: [Ticket#1] question',
    body,
    messageId: '<ticket-1-1@example.jp>',
    date: new Date('2026-06-01T01:00:00Z'),
    ticketNumber: '1',
  };
}

/** The charset the product really writes the mail in, from the composed message itself. */
function sentCharset(body: string, setting: CharsetSetting): string {
  return composeMessage(answerMail(body), setting).charset;
}

function previewedCharset(preview: MemoCharsetPreview): string {
  return preview.outcome === 'fallback' ? preview.fallbackCharset! : preview.outcome;
}

/** The body of a composed ISO-2022-JP mail, decoded again: what the customer reads. */
function sentBodyText(body: string, setting: CharsetSetting): string {
  const raw = composeMessage(answerMail(body), setting).raw;
  const decoded = decodeIso2022Jp(raw.subarray(raw.indexOf('\r\n\r\n') + 4));
  expect(decoded.ok).toBe(true);
  return decoded.text;
}

describe('plain Japanese', () => {
  const memo = 'お問い合わせありがとうございます。\n本日17:30までにご連絡いたします。';

  it('goes out as ISO-2022-JP under either fallback, nothing offending', () => {
    for (const setting of [ISO_THEN_UTF8, ISO_THEN_MS]) {
      expect(previewMemoCharset(memo, setting)).toStrictEqual({ outcome: 'iso-2022-jp', offending: [] });
    }
  });

  it('an empty memo too', () => {
    expect(previewMemoCharset('', ISO_THEN_UTF8)).toStrictEqual({ outcome: 'iso-2022-jp', offending: [] });
  });
});

describe('what the product does with each character the console warns about', () => {
  it('wave dash 〜 (U+301C) and FULLWIDTH TILDE ～ (U+FF5E) go out in ISO-2022-JP, as the wave dash', () => {
    for (const tilde of ['〜', '～']) {
      const memo = `受付時間は9:30${tilde}17:30です。`;
      expect(previewMemoCharset(memo, ISO_THEN_UTF8)).toStrictEqual({ outcome: 'iso-2022-jp', offending: [] });
      expect(previewMemoCharset(memo, ISO_THEN_MS)).toStrictEqual({ outcome: 'iso-2022-jp', offending: [] });
      expect(sentBodyText(memo, ISO_THEN_UTF8)).toBe('受付時間は9:30〜17:30です。\r\n');
    }
  });

  it('half-width katakana is not offending: the product writes it full-width, voiced marks joined', () => {
    const memo = 'ｶﾞｲﾄﾞをご覧ください。ﾊﾟｽﾜｰﾄﾞ、ｳﾞｧｰｼﾞｮﾝ｡';
    expect(previewMemoCharset(memo, ISO_THEN_UTF8)).toStrictEqual({ outcome: 'iso-2022-jp', offending: [] });
    expect(previewMemoCharset(memo, ISO_THEN_MS)).toStrictEqual({ outcome: 'iso-2022-jp', offending: [] });
    expect(sentBodyText(memo, ISO_THEN_UTF8)).toBe('ガイドをご覧ください。パスワード、ヴァージョン。\r\n');
  });

  it('① (U+2460): UTF-8 with fallback utf-8; CP50220 with fallback iso-2022-jp-ms (NEC row 13 has it)', () => {
    const offending = [{ char: '①', codePoint: 'U+2460', count: 1 }];
    expect(previewMemoCharset('手順①を実行', ISO_THEN_UTF8)).toStrictEqual({ outcome: 'fallback', fallbackCharset: 'utf-8', offending });
    expect(previewMemoCharset('手順①を実行', ISO_THEN_MS)).toStrictEqual({ outcome: 'fallback', fallbackCharset: 'iso-2022-jp-ms', offending });
  });

  it('髙 (U+9AD9): UTF-8 with fallback utf-8; CP50220 with fallback iso-2022-jp-ms (an NEC-selected IBM extension)', () => {
    const offending = [{ char: '髙', codePoint: 'U+9AD9', count: 1 }];
    expect(previewMemoCharset('髙橋様', ISO_THEN_UTF8)).toStrictEqual({ outcome: 'fallback', fallbackCharset: 'utf-8', offending });
    expect(previewMemoCharset('髙橋様', ISO_THEN_MS)).toStrictEqual({ outcome: 'fallback', fallbackCharset: 'iso-2022-jp-ms', offending });
    // The ordinary form is in JIS X 0208.
    expect(previewMemoCharset('高橋様', ISO_THEN_UTF8).outcome).toBe('iso-2022-jp');
  });

  it('an emoji goes out in UTF-8 under both fallbacks: CP50220 cannot carry it either', () => {
    const offending = [{ char: '😀', codePoint: 'U+1F600', count: 1 }];
    expect(previewMemoCharset('よろしくお願いします😀', ISO_THEN_UTF8)).toStrictEqual({ outcome: 'fallback', fallbackCharset: 'utf-8', offending });
    expect(previewMemoCharset('よろしくお願いします😀', ISO_THEN_MS)).toStrictEqual({ outcome: 'fallback', fallbackCharset: 'utf-8', offending });
  });

  it('an emoji with a variation selector is two code points, each named', () => {
    expect(previewMemoCharset('感謝❤️', ISO_THEN_UTF8).offending).toStrictEqual([
      { char: '❤', codePoint: 'U+2764', count: 1 },
      { char: '\ufe0f', codePoint: 'U+FE0F', count: 1 },
    ]);
  });

  it('a no-break space (pasted from a web page) is offending: JIS X 0208 has none', () => {
    expect(previewMemoCharset('ご確認\u00a0ください', ISO_THEN_UTF8).offending).toStrictEqual([{ char: '\u00a0', codePoint: 'U+00A0', count: 1 }]);
  });

  it('¥ and ‾ fit (JIS-Roman), and so do the dashes the encoder maps', () => {
    expect(previewMemoCharset('¥1,000 ‾ — ― −', ISO_THEN_UTF8).outcome).toBe('iso-2022-jp');
  });
});

describe('the offending list', () => {
  it('names each character once, in order of first appearance, with its count', () => {
    const memo = '①髙😀①の件、髙①様';
    expect(previewMemoCharset(memo, ISO_THEN_UTF8)).toStrictEqual({
      outcome: 'fallback',
      fallbackCharset: 'utf-8',
      offending: [
        { char: '①', codePoint: 'U+2460', count: 3 },
        { char: '髙', codePoint: 'U+9AD9', count: 2 },
        { char: '😀', codePoint: 'U+1F600', count: 1 },
      ],
    });
  });

  it('lists what ISO-2022-JP lacks even when the iso-2022-jp-ms fallback could carry some of it', () => {
    // ① alone would go as CP50220; the emoji sends the whole message to UTF-8, and removing both gets ISO-2022-JP back.
    expect(previewMemoCharset('①😀', ISO_THEN_MS)).toStrictEqual({
      outcome: 'fallback',
      fallbackCharset: 'utf-8',
      offending: [
        { char: '①', codePoint: 'U+2460', count: 1 },
        { char: '😀', codePoint: 'U+1F600', count: 1 },
      ],
    });
  });

  it('is not confused by half-width katakana next to an offending character', () => {
    expect(previewMemoCharset('ｶﾞ①ｶﾞ①', ISO_THEN_UTF8).offending).toStrictEqual([{ char: '①', codePoint: 'U+2460', count: 2 }]);
  });
});

describe('MAIL_CHARSET=utf-8', () => {
  it('everything goes out in UTF-8 and nothing is offending, whatever the fallback', () => {
    for (const setting of [UTF8, UTF8_WITH_MS_FALLBACK]) {
      for (const memo of ['ありがとうございます', '①髙😀', 'ｶﾞｲﾄﾞ〜']) {
        expect(previewMemoCharset(memo, setting)).toStrictEqual({ outcome: 'utf-8', offending: [] });
      }
    }
  });
});

describe('agrees with the mail the product composes', () => {
  const memos = [
    '',
    'Thank you.',
    'お問い合わせの件、承知しました。',
    '9:30〜17:30、9:30～17:30',
    'ｶﾞｲﾄﾞ ﾊﾟｽﾜｰﾄﾞ',
    '手順①',
    'Ⅰ期 ㈱サンプル',
    '髙橋',
    '纊',
    '😀',
    '①😀',
    '𠮷野家',
    'café',
    '\u00a0',
    'a\x1bb',
    '長い行'.repeat(60) + '\n' + '①'.repeat(40),
  ];

  it('for every memo and every setting, the charset previewed is the charset composeMessage writes', () => {
    const mismatches: string[] = [];
    for (const memo of memos) {
      for (const setting of ALL_SETTINGS) {
        const previewed = previewedCharset(previewMemoCharset(memo, setting));
        const sent = sentCharset(memo, setting);
        if (previewed !== sent) mismatches.push(`${JSON.stringify(memo)} ${JSON.stringify(setting)}: previewed ${previewed}, sent ${sent}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('subject, customer name and body joined with a line break decide as the product decides over them', () => {
    const cases: [string, string, string][] = [
      ['Re: [Ticket#1] ご質問', '山田 太郎', '承知しました。'],
      ['Re: [Ticket#1] 手順①について', '山田 太郎', '承知しました。'],
      ['Re: [Ticket#1] ご質問', '髙橋 一郎', '承知しました。'],
      ['Re: [Ticket#1] ご質問', '山田 太郎', '承知しました😀'],
    ];
    for (const parts of cases) {
      for (const setting of ALL_SETTINGS) {
        expect(previewedCharset(previewMemoCharset(parts.join('\n'), setting))).toBe(chooseCharset(parts, setting));
      }
    }
  });
});
