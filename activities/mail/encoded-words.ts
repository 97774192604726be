// RFC 2047 "B" encoded words for outbound header values (Subject, display
// names), in the message's charset. Pure module: no I/O.
//
// Rules kept here:
// - every encoded word stands alone: for ISO-2022-JP it is a complete escape
//   sequence ending in ASCII (the next word re-opens ESC $ B); for UTF-8 it
//   never splits a character (nor, where possible, a grapheme cluster);
// - an encoded word is at most 75 characters, a folded line at most 76;
// - CR/LF in a value is refused outright: header injection must be impossible.

import { encodeIso2022Jp, toFullWidthKatakana, type JapaneseMailCharset, type MessageCharset } from './iso-2022-jp';

/** RFC 2047 §2: an encoded word is at most 75 characters. */
const MAX_ENCODED_WORD_LENGTH = 75;
/** Our folding limit (RFC 5322 recommends 78); continuation lines start with one space. */
export const MAX_HEADER_LINE_LENGTH = 76;

export class HeaderInjectionError extends Error {
  constructor(what: string) {
    super(`${what} contains a line break (CR or LF); refusing to put it in a mail header`);
    this.name = 'HeaderInjectionError';
  }
}

/** The MIME name of the charset. CP50220 is labelled ISO-2022-JP, as Japanese mail clients do. */
export function mimeCharsetName(charset: MessageCharset): 'ISO-2022-JP' | 'UTF-8' {
  return charset === 'utf-8' ? 'UTF-8' : 'ISO-2022-JP';
}

export interface HeaderEncodingOptions {
  /** Name of the header the value follows ("Subject"), so its first line stays within the limit too. */
  headerName?: string;
}

/**
 * The header value ready to write after `Name: `: plain when it is printable
 * ASCII, otherwise one or more encoded words folded with CRLF + space.
 * Throws HeaderInjectionError on CR/LF, and an Error naming the characters
 * when an ISO-2022-JP variant cannot carry the value (call chooseCharset first).
 */
export function encodeHeaderWord(value: string, charset: MessageCharset, options: HeaderEncodingOptions = {}): string {
  const firstLineUsed = options.headerName === undefined ? 0 : options.headerName.length + 2;
  const plain = foldPlainAscii(value, firstLineUsed);
  if (plain !== undefined) return plain;
  return splitIntoEncodedWords(value, charset, firstLineUsed).join('\r\n ');
}

/**
 * The encoded words for `value`, each ≤ 75 characters; the first is shorter
 * when `firstLineUsed` characters (e.g. "Subject: ") precede it on its line.
 */
export function splitIntoEncodedWords(value: string, charset: MessageCharset, firstLineUsed = 0): string[] {
  refuseLineBreaks(value);
  const prefix = `=?${mimeCharsetName(charset)}?B?`;
  const wordLength = (firstWord: boolean) =>
    Math.min(MAX_ENCODED_WORD_LENGTH, firstWord ? MAX_HEADER_LINE_LENGTH - firstLineUsed : MAX_ENCODED_WORD_LENGTH);
  const maxBytes = (firstWord: boolean) => Math.floor((wordLength(firstWord) - prefix.length - 2) / 4) * 3;
  if (maxBytes(true) < 12) throw new RangeError(`header name too long to fit an encoded word: ${firstLineUsed} characters`);

  const chunks =
    charset === 'utf-8' ? chunkUtf8(value, maxBytes) : chunkIso2022Jp(value, charset, maxBytes);
  return chunks.map((bytes) => `${prefix}${bytes.toString('base64')}?=`);
}

function refuseLineBreaks(value: string): void {
  if (/[\r\n]/.test(value)) throw new HeaderInjectionError('header value');
}

// ---------------------------------------------------------------------------
// Plain ASCII: left readable, folded at spaces.

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The value folded at spaces, or undefined when it must be encoded instead. */
function foldPlainAscii(value: string, firstLineUsed: number): string | undefined {
  refuseLineBreaks(value);
  // Text that looks like an encoded word would be decoded by the reader: encode it.
  if (!PRINTABLE_ASCII.test(value) || value.includes('=?')) return undefined;
  const lines: string[] = [];
  let line = '';
  let room = MAX_HEADER_LINE_LENGTH - firstLineUsed;
  for (const [i, token] of value.split(' ').entries()) {
    if (i === 0) line = token;
    else if (line.length + 1 + token.length <= room) line += ` ${token}`;
    else {
      lines.push(line);
      line = token;
      room = MAX_HEADER_LINE_LENGTH - 1; // continuation lines start with the folding space
    }
    if (line.length > room) return undefined; // a token too long to fold: encode it
  }
  lines.push(line);
  return lines.join('\r\n ');
}

// ---------------------------------------------------------------------------
// Splitting into chunks that each encode alone.

type MaxBytes = (firstWord: boolean) => number;

/** Each chunk is a complete ISO-2022-JP text: ends in ASCII, re-opens ESC $ B. */
function chunkIso2022Jp(value: string, variant: JapaneseMailCharset, maxBytes: MaxBytes): Buffer[] {
  const whole = encodeIso2022Jp(value, variant);
  if (!whole.ok) throw new Error(`${variant} cannot carry ${whole.unencodable.join(' ')} in this header value`);

  const encode = (text: string) => {
    const result = encodeIso2022Jp(text, variant);
    if (!result.ok) throw new Error(`unreachable: ${variant} refused a part of an encodable value`);
    return result.bytes;
  };
  // Full-width first, so ｶﾞ is never split between two words.
  return packGreedily([...toFullWidthKatakana(value)], encode, maxBytes);
}

/** Each chunk is whole UTF-8 characters, keeping grapheme clusters (emoji, combining marks) together. */
function chunkUtf8(value: string, maxBytes: MaxBytes): Buffer[] {
  // UTF-8 cannot carry a lone surrogate; Buffer.from would quietly write U+FFFD.
  if (/[\ud800-\udfff]/u.test(value)) throw new Error('header value contains a lone surrogate (broken UTF-16)');
  const smallest = Math.min(maxBytes(true), maxBytes(false));
  const pieces: string[] = [];
  for (const { segment } of new Intl.Segmenter('ja', { granularity: 'grapheme' }).segment(value)) {
    if (Buffer.byteLength(segment) <= smallest) pieces.push(segment);
    else pieces.push(...segment); // an oversized cluster: split between its code points
  }
  return packGreedily(pieces, (text) => Buffer.from(text, 'utf8'), maxBytes);
}

/** Adds pieces to the current chunk while its encoding fits, then starts the next. */
function packGreedily(pieces: string[], encode: (text: string) => Buffer, maxBytes: MaxBytes): Buffer[] {
  const chunks: Buffer[] = [];
  let text = '';
  let bytes: Buffer = Buffer.alloc(0);
  for (const piece of pieces) {
    const longer = encode(text + piece);
    if (text === '' || longer.length <= maxBytes(chunks.length === 0)) {
      text += piece;
      bytes = longer;
    } else {
      chunks.push(bytes);
      text = piece;
      bytes = encode(piece);
    }
  }
  if (text !== '') chunks.push(bytes);
  return chunks;
}
