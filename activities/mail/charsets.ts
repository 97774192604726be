// Bytes of a mail part or header → Unicode, without ever hiding a failure.
//
// Mail is often labelled wrongly or not at all: ISO-2022-JP bodies with no charset
// (or "us-ascii"), Shift_JIS labelled ISO-2022-JP, Latin-1 labelled UTF-8, raw 8-bit
// headers. So the declared charset is tried first, and when it does not fit the
// bytes (or there is none) the charset is guessed (charset-guess.ts) and the result
// says so, with how sure the guess is, for the agent to see. A decoder result counts
// as good only if it produced no U+FFFD: legacy charsets cannot encode U+FFFD, so
// any in the output marks bytes the decoder did not understand.

import iconv from 'iconv-lite';
import { guessCharset } from './charset-guess';
import { decodeIso2022Jp, looksLikeIso2022Jp } from './iso-2022-jp';

export interface DecodedText {
  text: string;
  /** The charset actually used (canonical name). */
  charset: string;
  /** false: no charset fitted; `text` is a best effort with U+FFFD where bytes were not understood. */
  ok: boolean;
  /** Characters from the user-defined area (gaiji): decoded, but nobody can read them. */
  privateUseChars: number;
  /** Set when the charset was not declared, or the declared one did not fit: a guess. */
  guessed?: { why: string; confidence: number; /** One the mail declares elsewhere (a hint) was taken. */ hinted: boolean };
}

/** "charset guessed: windows-1252 for the subject (no charset declared; sure)", for `problems`. */
export function guessedCharsetProblem(decoded: DecodedText, where: string): string | null {
  if (!decoded.guessed) return null;
  const { why, confidence } = decoded.guessed;
  const sureness = confidence >= 0.5 ? 'sure' : confidence >= 0.15 ? 'fairly sure' : 'unsure';
  return `charset guessed: ${decoded.charset} for ${where} (${why}; ${sureness})`;
}

const ISO_2022_JP_LABELS = new Set([
  'iso-2022-jp', 'csiso2022jp', 'iso-2022-jp-ms', 'cp50220', 'cp50221', 'cp50222', 'jis', 'iso-2022-jp-1',
]);
// Shift_JIS in mail is CP932 in practice (NEC specials ①Ⅰ㈱, IBM extensions); CP932 is a superset.
const CP932_LABELS = new Set([
  'shift_jis', 'shift-jis', 'sjis', 'x-sjis', 'ms_kanji', 'csshiftjis', 'windows-31j', 'cp932', 'ms932', 'x-ms-cp932',
]);
const EUC_JP_LABELS = new Set(['euc-jp', 'x-euc-jp', 'eucjp', 'cseucpkdfmtjapanese', 'cp51932', 'euc-jp-ms']);
const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);
const UTF7_LABELS = new Set(['utf-7', 'utf7', 'unicode-1-1-utf-7', 'csunicode11utf7', 'x-unicode-2-0-utf-7']);
const UTF16_LABELS = new Set(['utf-16', 'utf16', 'ucs-2', 'iso-10646-ucs-2', 'csunicode', 'unicode']);
const ASCII_LABELS = new Set(['us-ascii', 'ascii', 'ansi_x3.4-1968', 'iso646-us', '7bit', '8bit']);

/** A charset label as written in mail → the name we decode with, or null when unknown/absent. */
function canonicalCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const name = label.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (!name) return null;
  if (ISO_2022_JP_LABELS.has(name)) return 'iso-2022-jp';
  if (CP932_LABELS.has(name)) return 'cp932';
  if (EUC_JP_LABELS.has(name)) return 'euc-jp';
  if (UTF8_LABELS.has(name)) return 'utf-8';
  if (UTF7_LABELS.has(name)) return 'utf-7';
  if (UTF16_LABELS.has(name)) return 'utf-16';
  if (ASCII_LABELS.has(name)) return 'us-ascii';
  if (name === 'ks_c_5601-1987' || name === 'ks_c_5601' || name === 'euc-kr') return 'cp949';
  if (name === 'gb2312' || name === 'gb_2312-80' || name === 'x-gbk') return 'gbk';
  return iconv.encodingExists(name) ? name : null;
}

// JIS and Windows map a few JIS codes to different Unicode characters (〜 vs ～).
// iso-2022-jp.ts decodes to the JIS forms; CP932 and EUC-JP from iconv-lite give the
// Windows forms. One form for all, so the same mail text searches the same.
const JIS_FORM: Record<string, string> = {
  '\uff5e': '\u301c', // ～ → 〜
  '\u2225': '\u2016', // ∥ → ‖
  '\uff0d': '\u2212', // － → −
  '\uffe0': '\u00a2', // ￠ → ¢
  '\uffe1': '\u00a3', // ￡ → £
  '\uffe2': '\u00ac', // ￢ → ¬
};
const WINDOWS_FORMS = /[\uff5e\u2225\uff0d\uffe0\uffe1\uffe2]/g;

function toJisForms(text: string): string {
  return text.replace(WINDOWS_FORMS, (c) => JIS_FORM[c]);
}

const PRIVATE_USE = /[\ue000-\uf8ff]/g;

function result(text: string, charset: string, ok: boolean): DecodedText {
  return { text, charset, ok, privateUseChars: (text.match(PRIVATE_USE) ?? []).length };
}

function isSevenBit(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return false;
  return true;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decode with exactly this charset; ok=false when the bytes do not fit it. */
function decodeAs(bytes: Uint8Array, charset: string): DecodedText {
  if (charset === 'iso-2022-jp') {
    const decoded = decodeIso2022Jp(bytes);
    return result(decoded.text, charset, decoded.ok);
  }
  if (charset === 'utf-8' || charset === 'us-ascii') {
    if (charset === 'us-ascii' && isSevenBit(bytes)) return result(Buffer.from(bytes).toString('latin1'), charset, true);
    try {
      return result(strictUtf8.decode(bytes), 'utf-8', true);
    } catch {
      return result(Buffer.from(bytes).toString('utf8'), charset, false);
    }
  }
  const text = iconv.decode(Buffer.from(bytes), charset);
  const japanese = charset === 'cp932' || charset === 'euc-jp';
  return result(japanese ? toJisForms(text) : text, charset, !text.includes('\ufffd'));
}

function mostlyReadable(text: string): boolean {
  const nonAscii = (text.match(/[^\x00-\x7f]/g) ?? []).length;
  const replaced = (text.match(/\ufffd/g) ?? []).length;
  return replaced * 10 <= nonAscii;
}

/** For the guesser: the text when the bytes fit the charset, else null. */
function cleanly(bytes: Uint8Array, charset: string): string | null {
  const decoded = decodeAs(bytes, charset);
  return decoded.ok ? decoded.text : null;
}

/**
 * Decode `bytes` declared as `declared` (may be missing or wrong).
 * `hints`: other charsets this message declares, preferred when guessing.
 */
export function decodeText(bytes: Uint8Array, declared?: string | null, hints: readonly string[] = []): DecodedText {
  const label = canonicalCharset(declared);
  const sevenBit = isSevenBit(bytes);
  // JIS escapes in a 7-bit part: ISO-2022-JP whatever the label says (often "us-ascii" or none).
  // The escapes name the charset themselves: no guess.
  if (sevenBit && label !== 'iso-2022-jp' && !/^iso-2022-(kr|cn)/.test(label ?? '') && looksLikeIso2022Jp(bytes)) {
    const jis = decodeAs(bytes, 'iso-2022-jp');
    if (jis.ok) return jis;
  }
  if (sevenBit && (label === null || label === 'us-ascii' || label === 'utf-8')) return decodeAs(bytes, 'us-ascii');

  // "us-ascii" says nothing about 8-bit bytes: as good as no label.
  const labelled = label !== null && label !== 'us-ascii';
  const first = decodeAs(bytes, labelled ? label : 'utf-8');
  if (first.ok) return labelled ? first : { ...first, guessed: { why: whyGuessed(label, declared), confidence: 1, hinted: false } };
  // Mostly readable under its own label: a damaged message, not a mislabelled one.
  // Guessing another charset here would trade a reported flaw for silent mojibake.
  if (labelled && mostlyReadable(first.text)) return first;

  // Valid UTF-8 with 8-bit bytes is hardly ever anything else.
  if (label !== 'utf-8' && labelled) {
    const utf8 = decodeAs(bytes, 'utf-8');
    if (utf8.ok) return { ...utf8, guessed: { why: whyGuessed(label, declared), confidence: 1, hinted: false } };
  }
  const hinted = hints.map(canonicalCharset).filter((c): c is string => c !== null && c !== 'us-ascii' && c !== label);
  const guess = guessCharset(bytes, [...new Set(hinted)], cleanly);
  if (!guess) return first;
  const decoded = decodeAs(bytes, guess.charset);
  if (!decoded.ok) return first;
  return { ...decoded, guessed: { why: whyGuessed(label, declared), confidence: guess.confidence, hinted: guess.hinted } };
}

function whyGuessed(label: string | null, declared: string | null | undefined): string {
  if (label === 'us-ascii') return `declared ${declared?.trim()}, but it has 8-bit bytes`;
  if (label !== null) return `declared ${declared?.trim()}, which does not fit`;
  if (declared && declared.trim()) return `declared ${declared.trim()}, a charset unknown here`;
  return 'no charset declared';
}
