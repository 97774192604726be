import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  chooseCharset,
  decodeIso2022Jp,
  encodeIso2022Jp,
  findUnencodable,
  looksLikeIso2022Jp,
  toFullWidthKatakana,
  type Iso2022JpEncoding,
} from '../../activities/mail/iso-2022-jp';

// Python's iso2022_jp codec is the oracle for plain ISO-2022-JP; nkf's CP50220
// output (a fixture, see test/fixtures/iso-2022-jp/) the oracle for the MS variant.

// The reference documents sit beside the repository, in ../shared (read-only, not part of the product).
const REFERENCE_DIR = fileURLToPath(new URL('../../../shared/reference', import.meta.url));
const FIXTURE_DIR = join(import.meta.dirname, '../fixtures/iso-2022-jp');
const TO_JIS = '\x1b$B';
const TO_ASCII = '\x1b(B';

function python(script: string, input: string): string {
  return execFileSync('python3', ['-c', script], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** Python's iso2022_jp bytes (hex) for each string, null where Python refuses. */
function pythonEncodeEach(texts: string[]): (string | null)[] {
  const script = `
import sys, json
out = []
for t in json.load(sys.stdin):
    try: out.append(t.encode('iso2022_jp').hex())
    except UnicodeEncodeError: out.append(None)
print(json.dumps(out))`;
  return JSON.parse(python(script, JSON.stringify(texts)));
}

function bytesOf(result: Iso2022JpEncoding): Buffer {
  if (!result.ok) throw new Error(`unencodable: ${result.unencodable.join(' ')}`);
  return result.bytes;
}

const encodeJis = (text: string) => bytesOf(encodeIso2022Jp(text, 'iso-2022-jp'));
const encodeMs = (text: string) => bytesOf(encodeIso2022Jp(text, 'iso-2022-jp-ms'));
const jisBytes = (code: number) => Buffer.from(TO_JIS + String.fromCharCode(code >> 8, code & 0xff) + TO_ASCII, 'latin1');

/** Windows' (CP932) code point → the JIS standard one, for the same JIS code (from the product issue). */
const WINDOWS_TO_JIS_FORM: [string, string, number][] = [
  ['\uff5e', '\u301c', 0x2141],
  ['\u2225', '\u2016', 0x2142],
  ['\uff0d', '\u2212', 0x215d],
  ['\uffe0', '\u00a2', 0x2171],
  ['\uffe1', '\u00a3', 0x2172],
  ['\uffe2', '\u00ac', 0x224c],
];
const jisForm = (char: string) => WINDOWS_TO_JIS_FORM.find(([windows]) => windows === char)?.[1] ?? char;

/** JIS X 0208 = rows 1-8 and 16-84 of iconv-lite's EUC-JP table (row 13 there is NEC's, not JIS). */
function jisX0208Characters(): { code: number; char: string }[] {
  const found: { code: number; char: string }[] = [];
  for (let row = 1; row <= 84; row++) {
    if (row === 13) continue;
    for (let col = 1; col <= 94; col++) {
      const char = iconv.decode(Buffer.from([row + 0xa0, col + 0xa0]), 'eucjp');
      if (char.length === 1 && char !== '\ufffd') found.push({ code: ((row + 0x20) << 8) | (col + 0x20), char });
    }
  }
  return found;
}

function referenceLines(): string[] {
  const files = readdirSync(REFERENCE_DIR).filter((name) => name.endsWith('.txt'));
  expect(files.length).toBeGreaterThan(0);
  return files.flatMap((name) => readFileSync(join(REFERENCE_DIR, name), 'utf8').split('\n')).filter(Boolean);
}

/** Small deterministic PRNG so failures reproduce. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 0x80000000;
    return state / 0x80000000;
  };
}

describe('every JIS X 0208 character', () => {
  const characters = jisX0208Characters();

  it('is enumerated from the EUC-JP table (6879 characters)', () => {
    expect(characters).toHaveLength(6879);
  });

  it('encodes to its JIS code, decodes back, and re-encodes to the same bytes', () => {
    const failures: string[] = [];
    for (const { code, char } of characters) {
      const bytes = encodeJis(char);
      const decoded = decodeIso2022Jp(bytes);
      if (!bytes.equals(jisBytes(code))) failures.push(`${char} encoded as ${bytes.toString('hex')}`);
      else if (!decoded.ok || decoded.text !== jisForm(char)) failures.push(`${char} decoded as ${decoded.text}`);
      else if (!encodeJis(decoded.text).equals(bytes)) failures.push(`${char} does not re-encode`);
    }
    expect(failures).toEqual([]);
  });

  it('round-trips all of them in one text, with ASCII and line breaks between', () => {
    const text = characters.map(({ char }, i) => (i % 50 === 49 ? `${jisForm(char)} ${i}\r\n` : jisForm(char))).join('');
    const decoded = decodeIso2022Jp(encodeJis(text));
    expect(decoded.ok).toBe(true);
    expect(decoded.text).toBe(text);
  });
});

describe('byte-identical to Python iso2022_jp', () => {
  it('for every BMP character Python can encode (except ESC/SO/SI, refused on purpose)', () => {
    const script = `
import json
out = {}
for cp in range(0x10000):
    if 0xd800 <= cp <= 0xdfff: continue
    try: out[cp] = chr(cp).encode('iso2022_jp').hex()
    except UnicodeEncodeError: pass
print(json.dumps(out))`;
    const pythonBytes: Record<string, string> = JSON.parse(python(script, ''));
    const mismatches: string[] = [];
    for (const [cp, hex] of Object.entries(pythonBytes)) {
      const codePoint = Number(cp);
      if ([0x1b, 0x0e, 0x0f].includes(codePoint)) continue;
      const ours = encodeIso2022Jp(String.fromCharCode(codePoint), 'iso-2022-jp');
      const oursHex = ours.ok ? ours.bytes.toString('hex') : `unencodable`;
      if (oursHex !== hex) mismatches.push(`U+${codePoint.toString(16)}: python ${hex}, ours ${oursHex}`);
    }
    expect(Object.keys(pythonBytes).length).toBeGreaterThan(6879 + 128);
    expect(mismatches).toEqual([]);

    // Beyond Python we only add the Windows forms, EM DASH and half-width katakana.
    const extras: number[] = [];
    for (let cp = 0x80; cp < 0x10000; cp++) {
      if (pythonBytes[cp] === undefined && findUnencodable(String.fromCharCode(cp), 'iso-2022-jp').length === 0) {
        extras.push(cp);
      }
    }
    const halfWidthKatakana = Array.from({ length: 0xff9f - 0xff61 + 1 }, (_, i) => 0xff61 + i);
    const windowsForms = WINDOWS_TO_JIS_FORM.map(([windows]) => windows.charCodeAt(0));
    expect(extras.sort()).toEqual([...windowsForms, 0x2014, ...halfWidthKatakana].sort());
  });

  it('for every line of the reference documents (characters Python refuses left out)', () => {
    const script = `
import sys, json
def fits(c):
    try: c.encode('iso2022_jp'); return True
    except UnicodeEncodeError: return False
out = []
for line in json.load(sys.stdin):
    kept = ''.join(c for c in line if fits(c))
    out.append([kept, kept.encode('iso2022_jp').hex()])
print(json.dumps(out))`;
    const cases: [string, string][] = JSON.parse(python(script, JSON.stringify(referenceLines())));
    const japanese = cases.filter(([kept]) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(kept));
    expect(japanese.length).toBeGreaterThan(300);
    const mismatches = cases.filter(([kept, hex]) => encodeJis(kept).toString('hex') !== hex).map(([kept]) => kept);
    expect(mismatches).toEqual([]);
  });

  it('for the reference documents as one text with CR/LF line breaks', () => {
    const lines = referenceLines();
    const perLine = pythonEncodeEach(lines);
    const text = lines.filter((_, i) => perLine[i] !== null).join('\r\n');
    const [expected] = pythonEncodeEach([text]);
    expect(expected).not.toBeNull();
    expect(encodeJis(text).toString('hex')).toBe(expected);
  });

  it('for random mixes of ASCII, kanji, kana, JIS-Roman ¥ ‾ and line breaks', () => {
    const pool = ['a', 'Z', ' ', '1', '\\', '~', '\r\n', '\n', '漢', '字', 'カ', 'ー', '〜', '―', '＼', '¥', '‾', '。', '＃'];
    const random = seededRandom(2024);
    const texts = Array.from({ length: 1500 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 12) }, () => pool[Math.floor(random() * pool.length)]).join(''),
    );
    const expected = pythonEncodeEach(texts);
    const mismatches = texts.filter((text, i) => encodeJis(text).toString('hex') !== expected[i]);
    expect(mismatches).toEqual([]);
  });
});

describe('mapping problems every Japanese mail system meets', () => {
  it.each(WINDOWS_TO_JIS_FORM)('%s (Windows) is written as JIS 0x%s like %s', (windows, standard, code) => {
    expect(encodeJis(windows)).toEqual(jisBytes(code));
    expect(encodeJis(standard)).toEqual(jisBytes(code));
    expect(encodeMs(windows)).toEqual(jisBytes(code));
  });

  it('writes a Windows-typed 〜 range the same as the JIS wave dash', () => {
    expect(encodeJis('10時～12時')).toEqual(encodeJis('10時〜12時'));
  });

  it.each([
    ['ｶﾞ', 'ガ'],
    ['ﾊﾟ', 'パ'],
    ['ｳﾞ', 'ヴ'],
    ['ﾃﾞｰﾀﾍﾞｰｽ', 'データベース'],
    ['ｻﾎﾟｰﾄ｡', 'サポート。'],
    ['ﾜﾞ', 'ワ゛'], // ヷ is not in JIS X 0208: the mark stays separate
    ['ﾞﾟ', '゛゜'],
    ['ｱﾞ', 'ア゛'],
  ])('half-width %s is sent as full-width %s', (halfWidth, fullWidth) => {
    expect(toFullWidthKatakana(halfWidth)).toBe(fullWidth);
    expect(encodeJis(halfWidth)).toEqual(encodeJis(fullWidth));
  });

  it('converts every half-width katakana, with and without voiced marks, like NFKC', () => {
    const inJisX0208 = new Set(jisX0208Characters().map(({ char }) => char));
    const alone = (c: string) => ({ '\uff9e': '\u309b', '\uff9f': '\u309c' })[c] ?? c.normalize('NFKC');
    for (let cp = 0xff61; cp <= 0xff9f; cp++) {
      const kana = String.fromCharCode(cp);
      expect(toFullWidthKatakana(kana)).toBe(alone(kana));
      for (const mark of ['\uff9e', '\uff9f']) {
        const composed = (kana + mark).normalize('NFKC');
        const expected = composed.length === 1 && inJisX0208.has(composed) ? composed : alone(kana) + alone(mark);
        expect(toFullWidthKatakana(kana + mark), kana + mark).toBe(expected);
      }
    }
  });

  it('reports NEC special and IBM extension characters instead of replacing or dropping them', () => {
    const result = encodeIso2022Jp('①の件、㈱髙橋様よりⅠ期分のご連絡です', 'iso-2022-jp');
    expect(result).toEqual({ ok: false, unencodable: ['①', '㈱', '髙', 'Ⅰ'] });
  });

  it('reports characters outside the BMP and lone surrogates whole', () => {
    expect(findUnencodable('𠮷野家😀\ud800', 'iso-2022-jp-ms')).toEqual(['𠮷', '😀', '\ud800']);
  });

  it('refuses ESC, SO and SI in the text (they would switch the reader)', () => {
    expect(findUnencodable('a\x1b$Bb\x0e\x0f', 'iso-2022-jp')).toEqual(['\x1b', '\x0e', '\x0f']);
  });

  it('switches back to ASCII before every line break and at the end', () => {
    const bytes = encodeJis('お問い合わせ\r\nありがとう\n¥').toString('latin1');
    for (const lineEnd of bytes.matchAll(/\r?\n/g)) {
      expect(bytes.slice(0, lineEnd.index).endsWith(TO_ASCII)).toBe(true);
    }
    expect(bytes.endsWith(TO_ASCII)).toBe(true);
  });
});

describe('iso-2022-jp-ms (CP50220)', () => {
  const fixture: { cases: { char: string; hex: string }[] } = JSON.parse(
    readFileSync(join(FIXTURE_DIR, 'cp50220-nkf.json'), 'utf8'),
  );
  const inJisX0208 = new Set(jisX0208Characters().map(({ char }) => char));

  it('writes every NEC special / IBM extension character as nkf does', () => {
    expect(fixture.cases.length).toBeGreaterThan(400);
    const mismatches = fixture.cases.filter(({ char, hex }) => encodeMs(char).toString('hex') !== hex);
    expect(mismatches).toEqual([]);
  });

  it('decodes them back to characters that re-encode identically', () => {
    for (const { char, hex } of fixture.cases) {
      const decoded = decodeIso2022Jp(Buffer.from(hex, 'hex'));
      expect(decoded.ok, char).toBe(true);
      expect(encodeMs(decoded.text).toString('hex'), char).toBe(hex);
    }
  });

  it('leaves them unencodable in plain iso-2022-jp unless JIS X 0208 has them too', () => {
    for (const { char, hex } of fixture.cases) {
      const plain = encodeIso2022Jp(char, 'iso-2022-jp');
      if (inJisX0208.has(char) || inJisX0208.has(jisForm(char))) expect(plain).toEqual({ ok: true, bytes: Buffer.from(hex, 'hex') });
      else expect(plain, char).toEqual({ ok: false, unencodable: [char] });
    }
  });

  it('uses NEC row 13 and rows 89-92 (e.g. ① 0x2D21, Ⅰ 0x2D35, ㈱ 0x2D6A, 髙 0x7C62)', () => {
    expect(encodeMs('①')).toEqual(jisBytes(0x2d21));
    expect(encodeMs('Ⅰ')).toEqual(jisBytes(0x2d35));
    expect(encodeMs('㈱')).toEqual(jisBytes(0x2d6a));
    expect(encodeMs('髙')).toEqual(jisBytes(0x7c62));
  });
});

describe('chooseCharset', () => {
  const jisFirst = { charset: 'iso-2022-jp', fallback: 'iso-2022-jp-ms' } as const;
  const jisThenUtf8 = { charset: 'iso-2022-jp', fallback: 'utf-8' } as const;

  it.each([
    ['お問い合わせありがとうございます。', jisFirst, 'iso-2022-jp'],
    ['10時～12時 ｻﾎﾟｰﾄ窓口', jisFirst, 'iso-2022-jp'],
    ['①の件', jisFirst, 'iso-2022-jp-ms'],
    ['①の件', jisThenUtf8, 'utf-8'],
    ['髙橋様 😀', jisFirst, 'utf-8'],
    ['Müller様', jisFirst, 'utf-8'],
    ['お問い合わせ', { charset: 'utf-8', fallback: 'iso-2022-jp-ms' }, 'utf-8'],
  ] as const)('%s with %o → %s', (text, setting, expected) => {
    expect(chooseCharset(text, setting)).toBe(expected);
  });

  it('decides for the whole message: one part needing the fallback moves all of it', () => {
    expect(chooseCharset(['ご請求について', '㈱サンプル', '本文です'], jisFirst)).toBe('iso-2022-jp-ms');
    expect(chooseCharset(['ご請求について', '本文です😀', '㈱サンプル'], jisFirst)).toBe('utf-8');
    expect(chooseCharset(['ご請求について', '本文です'], jisFirst)).toBe('iso-2022-jp');
  });
});

describe('decodeIso2022Jp', () => {
  const decode = (latin1: string) => decodeIso2022Jp(Buffer.from(latin1, 'latin1'));

  it('agrees with Python on every JIS X 0208 code and rejects unassigned ones', () => {
    const script = `
import json
out = {}
for row in range(1, 95):
    for col in range(1, 95):
        b = b'\\x1b$B' + bytes([row + 0x20, col + 0x20]) + b'\\x1b(B'
        try: out[b.hex()] = b.decode('iso2022_jp')
        except UnicodeDecodeError: out[b.hex()] = None
print(json.dumps(out))`;
    const pythonText: Record<string, string | null> = JSON.parse(python(script, ''));
    const microsoftRows = new Set([13, 89, 90, 91, 92]);
    const mismatches: string[] = [];
    for (const [hex, expected] of Object.entries(pythonText)) {
      const decoded = decodeIso2022Jp(Buffer.from(hex, 'hex'));
      const row = parseInt(hex.slice(6, 8), 16) - 0x20;
      if (expected !== null) {
        if (!decoded.ok || decoded.text !== expected) mismatches.push(`${hex}: ${decoded.text} ≠ ${expected}`);
      } else if (!microsoftRows.has(row) && decoded.ok) {
        mismatches.push(`${hex} decoded as ${decoded.text}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it.each([
    ['ESC $ @ (1978 JIS)', '\x1b$@0!\x1b(B', '亜'],
    ['ESC ( J JIS-Roman', 'a\x1b(J\\~\x1b(Bb', 'a¥‾b'],
    ['ESC ( I half-width katakana (CP50221)', '\x1b(I6^\x1b(B', 'ｶﾞ'],
    ['SO/SI half-width katakana (CP50222)', 'x\x0e1\x0fy', 'xｱy'],
    ['line breaks inside a JIS run (as Python)', '\x1b$B0!\r\n0!\x1b(B', '亜\r\n亜'],
    ['ESC & @ ESC $ B (JIS X 0208-1990 announcer)', '\x1b&@\x1b$Bt%\x1b(B', '凜'],
    ['a text not ending in ASCII', '\x1b$B0!', '亜'],
  ])('decodes %s', (_what, input, expected) => {
    expect(decode(input)).toEqual({ text: expected, ok: true, problems: [] });
  });

  it.each([
    ['a truncated double-byte character', '\x1b$B0'],
    ['an unassigned JIS code', '\x1b$B)!\x1b(B'],
    ['a JIS X 0212 designation', '\x1b$(D0!\x1b(B'],
    ['an unknown escape', 'a\x1bZb'],
    ['8-bit bytes (Shift_JIS mislabelled)', '\x82\xa0'],
    ['a byte outside the katakana set', '\x1b(Ix\x1b(B'],
  ])('flags %s as not ok, never silently', (_what, input) => {
    const decoded = decode(input);
    expect(decoded.ok).toBe(false);
    expect(decoded.problems.length).toBeGreaterThan(0);
    expect(decoded.text).toContain('\ufffd');
  });

  it('never yields U+FFFD when it says ok', () => {
    const random = seededRandom(7);
    for (let n = 0; n < 2000; n++) {
      const bytes = Uint8Array.from({ length: 12 }, () => (random() < 0.2 ? 0x1b : Math.floor(random() * 0x80)));
      const decoded = decodeIso2022Jp(bytes);
      if (decoded.ok) expect(decoded.text).not.toContain('\ufffd');
    }
  });

  it('recognises ISO-2022-JP bytes', () => {
    expect(looksLikeIso2022Jp(encodeJis('お世話になっております'))).toBe(true);
    expect(looksLikeIso2022Jp(Buffer.from('\x1b$@0!\x1b(B', 'latin1'))).toBe(true);
    expect(looksLikeIso2022Jp(Buffer.from('plain ascii'))).toBe(false);
    expect(looksLikeIso2022Jp(Buffer.from('お世話になっております'))).toBe(false); // UTF-8
    expect(looksLikeIso2022Jp(Buffer.from('\x1b$B\x82\xa0', 'latin1'))).toBe(false); // not 7-bit
    expect(looksLikeIso2022Jp(Buffer.from('\x1b(Ba', 'latin1'))).toBe(false);
  });
});
