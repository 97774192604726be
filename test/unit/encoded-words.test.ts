import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeHeaderWord,
  HeaderInjectionError,
  mimeCharsetName,
  splitIntoEncodedWords,
} from '../../activities/mail/encoded-words';
import { decodeIso2022Jp, findUnencodable, toFullWidthKatakana, type MessageCharset } from '../../activities/mail/iso-2022-jp';

// Python's email.header is the independent reader: every encoded word must
// decode alone, and the folded header must decode to the original value.

// The reference documents sit beside the repository, in ../shared (read-only, not part of the product).
const REFERENCE_DIR = fileURLToPath(new URL('../../../shared/reference', import.meta.url));
/** The product's limits: RFC 2047 word length, and our line length (RFC 5322 allows 78). */
const MAX_ENCODED_WORD_LENGTH = 75;
const MAX_HEADER_LINE_LENGTH = 76;
const ENCODED_WORD = /^=\?(ISO-2022-JP|UTF-8)\?B\?([A-Za-z0-9+/=]*)\?=$/;

function referenceLines(): string[] {
  const files = readdirSync(REFERENCE_DIR).filter((name) => name.endsWith('.txt'));
  expect(files.length).toBeGreaterThan(0);
  return files.flatMap((name) => readFileSync(join(REFERENCE_DIR, name), 'utf8').split('\n')).filter(Boolean);
}

/** Python's reading of each folded header value: [whole value, each word alone]. */
function pythonReads(folded: string[]): [string, string[]][] {
  const script = `
import sys, json
from email.header import decode_header, make_header
def read(v): return str(make_header(decode_header(v)))
out = []
for v in json.load(sys.stdin):
    unfolded = v.replace('\\r\\n', '')
    out.append([read(unfolded), [read(w) for w in unfolded.split(' ')]])
print(json.dumps(out))`;
  const output = execFileSync('python3', ['-c', script], { input: JSON.stringify(folded), encoding: 'utf8' });
  return JSON.parse(output);
}

/** Our own strict reading of one encoded word: ok only if it decodes alone, completely. */
function decodeWord(word: string): { text: string; ok: boolean } {
  const [, charset, base64] = ENCODED_WORD.exec(word) ?? [];
  if (!charset) return { text: '', ok: false };
  const bytes = Buffer.from(base64, 'base64');
  if (charset === 'UTF-8') {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), ok: true };
    } catch {
      return { text: '', ok: false };
    }
  }
  // A complete ISO-2022-JP word is back in ASCII at its end: its last escape is ESC ( B.
  const lastEscape = bytes.lastIndexOf(0x1b);
  const endsInAscii = lastEscape === -1 || bytes.subarray(lastEscape, lastEscape + 3).toString('latin1') === '\x1b(B';
  const decoded = decodeIso2022Jp(bytes);
  return { text: decoded.text, ok: decoded.ok && endsInAscii };
}

/** Checks the limits and that each word stands alone; returns the words' joined text. */
function expectWellFormed(header: string, folded: string): string {
  const lines = `${header}: ${folded}`.split('\r\n');
  for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(MAX_HEADER_LINE_LENGTH);
  for (const line of lines.slice(1)) expect(line.startsWith(' ')).toBe(true);
  const words = folded.split('\r\n ');
  let text = '';
  for (const word of words) {
    expect(word.length).toBeLessThanOrEqual(MAX_ENCODED_WORD_LENGTH);
    const decoded = decodeWord(word);
    expect(decoded.ok, word).toBe(true);
    text += decoded.text;
  }
  return text;
}

const subjects = (): string[] => {
  const lines = referenceLines();
  // Short and long subjects alike, including ones mixing ASCII and Japanese.
  return [...lines.slice(0, 120), ...lines.slice(0, 40).map((line) => `Re: [#12345] ${line} ｶﾞｲﾄﾞ`)];
};

describe('encodeHeaderWord', () => {
  it('leaves plain ASCII values unencoded', () => {
    expect(encodeHeaderWord('Re: [Ticket #4711] Password reset', 'iso-2022-jp', { headerName: 'Subject' })).toBe(
      'Re: [Ticket #4711] Password reset',
    );
    expect(encodeHeaderWord('Tanaka Taro', 'utf-8')).toBe('Tanaka Taro');
  });

  it('folds long ASCII values at spaces within the line limit', () => {
    const value = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const folded = encodeHeaderWord(value, 'utf-8', { headerName: 'Subject' });
    for (const line of `Subject: ${folded}`.split('\r\n')) expect(line.length).toBeLessThanOrEqual(MAX_HEADER_LINE_LENGTH);
    expect(folded.replace(/\r\n/g, '')).toBe(value);
  });

  it('encodes ASCII that would otherwise be read as an encoded word, or cannot be folded', () => {
    const lookalike = encodeHeaderWord('=?UTF-8?B?5pS75pKD?=', 'utf-8');
    expect(lookalike).toMatch(/^=\?UTF-8\?B\?/);
    expect(expectWellFormed('Subject', lookalike)).toBe('=?UTF-8?B?5pS75pKD?=');
    const longToken = 'x'.repeat(120);
    expect(expectWellFormed('Subject', encodeHeaderWord(longToken, 'utf-8', { headerName: 'Subject' }))).toBe(longToken);
  });

  it.each<MessageCharset>(['iso-2022-jp', 'iso-2022-jp-ms', 'utf-8'])('refuses CR/LF in a %s value', (charset) => {
    for (const value of ['件名\r\nBcc: victim@example.com', 'Hello\nBcc: x@example.com', 'a\rb', '\n']) {
      expect(() => encodeHeaderWord(value, charset)).toThrow(HeaderInjectionError);
      expect(() => splitIntoEncodedWords(value, charset)).toThrow(/line break/);
    }
  });

  it('labels CP50220 words ISO-2022-JP', () => {
    expect(mimeCharsetName('iso-2022-jp-ms')).toBe('ISO-2022-JP');
    const folded = encodeHeaderWord('①㈱サンプル 髙橋様', 'iso-2022-jp-ms', { headerName: 'Subject' });
    expect(folded.startsWith('=?ISO-2022-JP?B?')).toBe(true);
    expect(expectWellFormed('Subject', folded)).toBe('①㈱サンプル 髙橋様');
  });

  it('refuses values the ISO-2022-JP variant cannot carry, naming the characters', () => {
    expect(() => encodeHeaderWord('①の件', 'iso-2022-jp')).toThrow(/①/);
  });

  it('rejects a header name too long for any encoded word on its first line', () => {
    expect(() => encodeHeaderWord('件名', 'utf-8', { headerName: 'X'.repeat(60) })).toThrow(RangeError);
  });
});

describe('ISO-2022-JP encoded words', () => {
  it('are each a complete escape sequence within the limits, and read back as the value', () => {
    const values = subjects().filter((value) => findUnencodable(value, 'iso-2022-jp').length === 0);
    expect(values.length).toBeGreaterThan(80);
    let multiWord = 0;
    for (const value of values) {
      const folded = encodeHeaderWord(value, 'iso-2022-jp', { headerName: 'Subject' });
      if (folded.includes('\r\n')) multiWord++;
      expect(expectWellFormed('Subject', folded)).toBe(toFullWidthKatakana(value));
    }
    expect(multiWord).toBeGreaterThan(50);
  });

  it('never split a half-width voiced kana between words', () => {
    const value = 'ｶﾞ'.repeat(60);
    const folded = encodeHeaderWord(value, 'iso-2022-jp', { headerName: 'Subject' });
    expect(expectWellFormed('Subject', folded)).toBe('ガ'.repeat(60));
  });

  it('are read by Python email.header word by word and as a whole', () => {
    const values = subjects()
      .map((value) => value.replace(/[～－￠￡￢∥]/g, '')) // Python only knows the JIS forms
      .filter((value) => findUnencodable(value, 'iso-2022-jp').length === 0);
    const folded = values.map((value) => encodeHeaderWord(value, 'iso-2022-jp', { headerName: 'Subject' }));
    const reads = pythonReads(folded);
    for (const [i, [whole, words]] of reads.entries()) {
      expect(whole).toBe(toFullWidthKatakana(values[i]));
      expect(words.join('')).toBe(whole);
    }
  });
});

describe('UTF-8 encoded words', () => {
  const tricky = [
    '👨‍👩‍👧‍👦 家族でのご利用について 😀😀😀😀😀😀😀😀😀😀😀😀',
    '𠮷野家の件（サロゲートペア）'.repeat(4),
    'Crème brûlée · café — Ünïcödé ①②③ ' + 'e\u0301'.repeat(30),
    'か\u3099'.repeat(40),
    '\u{1f3f3}\u{fe0f}\u200d\u{1f308}'.repeat(12),
    'Zalgo: a' + '\u0301\u0316'.repeat(40), // one grapheme cluster too big for any word
  ];

  it('split only between whole characters, within the limits, and read back as the value', () => {
    for (const value of [...tricky, ...subjects()]) {
      const folded = encodeHeaderWord(value, 'utf-8', { headerName: 'Subject' });
      expect(expectWellFormed('Subject', folded)).toBe(value);
    }
  });

  it('refuses a lone surrogate rather than sending U+FFFD', () => {
    expect(() => encodeHeaderWord('件名\ud800', 'utf-8')).toThrow(/surrogate/);
  });

  it('never split a surrogate pair (every word is valid UTF-8 of whole code points)', () => {
    for (const value of tricky) {
      for (const word of splitIntoEncodedWords(value, 'utf-8', 9)) {
        const text = decodeWord(word).text;
        expect(text).not.toMatch(/[\ud800-\udfff]/u); // a lone surrogate
      }
    }
  });

  it('are read by Python email.header word by word and as a whole', () => {
    const values = [...tricky, ...subjects().slice(0, 60)];
    const reads = pythonReads(values.map((value) => encodeHeaderWord(value, 'utf-8', { headerName: 'From' })));
    for (const [i, [whole, words]] of reads.entries()) {
      expect(whole).toBe(values[i]);
      expect(words.join('')).toBe(whole);
    }
  });
});
