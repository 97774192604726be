// Undeclared 8-bit text: the guess and how sure it is, on the short texts a desk
// must guess for (subjects, names, one-line bodies) in the charsets its mail comes in.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../activities/mail/charsets';

const TEXTS: [string, string[]][] = [
  ['rápido', ['windows-1252']],
  ['Grüße aus München', ['windows-1252']],
  ["L'équipe a reçu votre demande – merci", ['windows-1252']],
  ['Señor García, ¿cómo está?', ['windows-1252']],
  ['Café', ['windows-1252']],
  ['Müller', ['windows-1252']],
  ['50元获得一亿五千万EMAIL地址的机会', ['gbk']],
  ['您好，请问', ['gbk']],
  ['服务器无法启动', ['gbk']],
  ['关于订单的问题', ['gbk']],
  ['您好，請問伺服器無法啟動', ['big5']],
  ['關於訂單的問題', ['big5']],
  ['サーバー障害のご報告', ['euc-jp', 'cp932']],
  ['障害', ['euc-jp', 'cp932']],
  ['障害報告書送付依頼', ['euc-jp', 'cp932']],
  ['【至急】サーバー障害のご報告（第２報）', ['euc-jp', 'cp932']],
  ['山田 太郎', ['euc-jp', 'cp932']],
  ['見積依頼', ['euc-jp', 'cp932']],
  ['お問い合わせ', ['euc-jp', 'cp932']],
  ['株式会社サンプル', ['euc-jp', 'cp932']],
  ['佐藤', ['euc-jp', 'cp932']],
  ['신선한 촛불파티에 초대합니다', ['cp949']],
  ['서버가 시작되지 않습니다', ['cp949']],
];

// Too short to tell: a Japanese reading is as plausible, and the desk's mail is Japanese.
const KNOWN_MISSES = new Set(['cp949:김철수', 'cp932:ｶﾀｶﾅ']);

describe('guessing the charset of undeclared 8-bit text', () => {
  it.each(TEXTS.flatMap(([text, charsets]) => charsets.map((charset) => [charset, text] as const)))('%s: %s', (charset, text) => {
    const decoded = decodeText(iconv.encode(text, charset), null);
    expect(decoded).toMatchObject({ text, ok: true, guessed: { why: 'no charset declared' } });
  });

  it('says how sure it is, and reads the known hard cases as Japanese, unsure', () => {
    for (const key of KNOWN_MISSES) {
      const [charset, text] = key.split(':');
      const decoded = decodeText(iconv.encode(text, charset), null);
      expect(decoded.text).not.toBe(text);
      expect(decoded.guessed!.confidence).toBeLessThan(0.15);
    }
    expect(decodeText(iconv.encode('Grüße aus München', 'latin1'), null).guessed!.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it("prefers the mail's declared charsets (hints) for text that fits several", () => {
    const bytes = iconv.encode('障害', 'gbk'); // two hanzi whose bytes read as kanji in EUC-JP too
    expect(decodeText(bytes, null, ['gb2312']).guessed).toMatchObject({ hinted: true });
  });

  it('finds no charset for bytes that are no text in any (and says not decoded)', () => {
    expect(decodeText(Buffer.from([0xff, 0xfe, 0xfd]), null).ok).toBe(false);
  });

  it('reads valid UTF-8 as UTF-8, sure, whatever else it might be', () => {
    expect(decodeText(Buffer.from('rápido', 'utf8'), null)).toMatchObject({ text: 'rápido', charset: 'utf-8', guessed: { confidence: 1 } });
  });
});
