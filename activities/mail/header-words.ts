// Header text → Unicode: RFC 2047 encoded words, RFC 2231 parameters, and the raw
// 8-bit (or raw JIS) header text some Japanese mailers send despite the RFCs.
//
// Header values arrive as "byte strings": one char per byte (latin1), exactly as on
// the wire, so nothing is decoded before we know the charset.

import { decodeText, type DecodedText } from './charsets';

export interface HeaderText {
  text: string;
  ok: boolean;
  charsets: string[];
  /** The decodings that had to guess their charset (guessedCharsetProblem words them for the agent). */
  guessed: DecodedText[];
}

// The encoded text may hold spaces (`=?us-ascii?Q?ABC / 123?=`), which RFC 2047
// forbids but mailers write; mail clients and Python's email package read them as
// written, so we do too. A `?` cannot occur inside (neither Q nor B has one), so a
// word never runs into the next.
const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?]*)\?=/g;

function bytesOf(byteString: string): Buffer {
  return Buffer.from(byteString, 'latin1');
}

function hasRawBytes(byteString: string): boolean {
  return /[\x80-\xff\x1b]/.test(byteString);
}

function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '_') bytes.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

interface Word {
  charset: string;
  bytes: Buffer;
}

/** Encoded words' bytes are joined before decoding: a character may be split between words. */
function decodeWordRun(words: Word[], out: HeaderText): string {
  let text = '';
  for (let i = 0; i < words.length; ) {
    let j = i;
    const parts: Buffer[] = [];
    const charset = words[i].charset.toLowerCase();
    while (j < words.length && words[j].charset.toLowerCase() === charset) parts.push(words[j++].bytes);
    const decoded = decodeText(Buffer.concat(parts), words[i].charset);
    note(out, decoded);
    text += decoded.text;
    i = j;
  }
  return text;
}

function note(out: HeaderText, decoded: DecodedText): void {
  if (!decoded.ok || decoded.privateUseChars > 0) out.ok = false;
  if (!out.charsets.includes(decoded.charset)) out.charsets.push(decoded.charset);
  if (decoded.guessed) out.guessed.push(decoded);
}

/**
 * Raw 8-bit or raw JIS header text → Unicode; encoded words (pure ASCII) pass through
 * untouched. Done before any parsing: a Shift_JIS trail byte can be `\\` and a JIS
 * byte pair can contain `"`, `,` or `<`, which would derail quoting and address lists.
 */
export function rawHeaderToUnicode(byteString: string, hints: readonly string[], out: HeaderText): string {
  if (!hasRawBytes(byteString)) return byteString;
  const decoded = decodeText(bytesOf(byteString), null, hints);
  // Raw UTF-8 is what RFC 6532 allows in headers, and a charset the mail's body declares
  // is the mail's own word for its raw headers (as Japanese mailers write them): neither is a guess.
  const declaredByMail = decoded.charset === 'utf-8' || decoded.guessed?.hinted;
  note(out, declaredByMail ? { ...decoded, guessed: undefined } : decoded);
  return decoded.text;
}

/** RFC 2047 encoded words in (already Unicode) header text → Unicode. */
export function decodeEncodedWords(text: string, out: HeaderText): string {
  let result = '';
  let pending: Word[] = [];
  let last = 0;
  for (const match of text.matchAll(ENCODED_WORD)) {
    const between = text.slice(last, match.index);
    // Whitespace between two encoded words is not part of the text (RFC 2047 §6.2).
    if (pending.length === 0 || between.trim() !== '') {
      result += decodeWordRun(pending, out) + between;
      pending = [];
    }
    const [, charsetAndLanguage, encoding, payload] = match;
    const charset = charsetAndLanguage.split('*')[0];
    const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(payload.replace(/\s+/g, ''), 'base64') : decodeQ(payload);
    pending.push({ charset, bytes });
    last = match.index + match[0].length;
  }
  return result + decodeWordRun(pending, out) + text.slice(last);
}

export function emptyHeaderText(): HeaderText {
  return { text: '', ok: true, charsets: [], guessed: [] };
}

/**
 * A header value (byte string, unfolded) → Unicode.
 * `hints`: charsets the message declares elsewhere, for raw 8-bit header text.
 */
export function decodeHeaderValue(byteString: string, hints: readonly string[] = []): HeaderText {
  const out = emptyHeaderText();
  out.text = decodeEncodedWords(rawHeaderToUnicode(byteString, hints, out), out);
  return out;
}

// ---------------------------------------------------------------------------
// Content-Type / Content-Disposition parameters.

export interface StructuredHeader {
  /** type/subtype or disposition type, lower case. */
  value: string;
  /** Parameter name (lower case) → value, RFC 2231 continuations joined and decoded. */
  params: Record<string, string>;
  /** Parameters whose text did not decode cleanly. */
  undecodable: string[];
  /** Decodings that had to guess their charset. */
  guessed: DecodedText[];
}

const PARAM = /;\s*([^\s=;*]+)(\*(\d+))?(\*)?\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;

interface ParamPiece {
  index: number;
  /** name*0=, name*1=: an RFC 2231 continuation. */
  continued: boolean;
  /** name*= or name*0*=: percent-encoded, the first piece carries the charset. */
  extended: boolean;
  value: string;
}

function percentDecode(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i], 'utf8'));
  }
  return Buffer.from(bytes);
}

function unquote(value: string): string {
  const trimmed = value.trim();
  return trimmed.startsWith('"') ? trimmed.slice(1, -1).replace(/\\(.)/g, '$1') : trimmed;
}

/** RFC 2231: name*0*=charset'lang'%xx…; name*1*=%xx…; name*2="plain"… */
function joinRfc2231(pieces: ParamPiece[], hints: readonly string[]): { text: string; ok: boolean; guessed: DecodedText[] } {
  const rfc2231 = pieces.filter((p) => p.extended || p.continued);
  // `filename="plain"; filename*=UTF-8''…` : the extended form is the one to believe.
  const used = (rfc2231.length > 0 ? rfc2231 : pieces.slice(0, 1)).sort((a, b) => a.index - b.index);
  if (!used.some((p) => p.extended)) {
    // Plain values: in practice often encoded words (Outlook, old Japanese mailers).
    const out = emptyHeaderText();
    const text = decodeEncodedWords(used.map((p) => p.value).join(''), out);
    return { text, ok: out.ok, guessed: out.guessed };
  }
  let charset: string | null = null;
  const bytes = used.map((piece, i) => {
    let value = piece.value;
    if (piece.extended && i === 0) {
      const quote = /^([^']*)'[^']*'/.exec(value);
      if (quote) {
        charset = quote[1] || null;
        value = value.slice(quote[0].length);
      }
    }
    return piece.extended ? percentDecode(value) : Buffer.from(value, 'utf8');
  });
  const decoded = decodeText(Buffer.concat(bytes), charset, hints);
  return { text: decoded.text, ok: decoded.ok && decoded.privateUseChars === 0, guessed: decoded.guessed ? [decoded] : [] };
}

/** `text/plain; charset="iso-2022-jp"; format=flowed` → value and decoded params. */
export function parseStructuredHeader(byteString: string, hints: readonly string[] = []): StructuredHeader {
  const raw = emptyHeaderText();
  const text = rawHeaderToUnicode(byteString, hints, raw);
  const value = text.split(';')[0].trim().toLowerCase();
  const pieces = new Map<string, ParamPiece[]>();
  for (const match of text.matchAll(PARAM)) {
    const [, rawName, , index, star, rawValue] = match;
    const name = rawName.toLowerCase();
    const list = pieces.get(name) ?? [];
    list.push({
      index: index === undefined ? 0 : Number(index),
      continued: index !== undefined,
      extended: star === '*',
      value: unquote(rawValue),
    });
    pieces.set(name, list);
  }
  const params: Record<string, string> = {};
  const undecodable: string[] = [];
  const guessed = [...raw.guessed];
  for (const [name, list] of pieces) {
    const joined = joinRfc2231(list, hints);
    params[name] = joined.text;
    guessed.push(...joined.guessed);
    if (!joined.ok || (!raw.ok && /[^\x00-\x7f]/.test(joined.text))) undecodable.push(name);
  }
  return { value, params, undecodable, guessed };
}
