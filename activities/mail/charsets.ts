// Bytes of a mail part or header → Unicode, without ever hiding a failure.
//
// Japanese mail is often labelled wrongly or not at all: ISO-2022-JP bodies with no
// charset (or "us-ascii"), Shift_JIS labelled ISO-2022-JP, raw 8-bit headers. So the
// declared charset is tried first, and when it does not fit the bytes we try the
// likely ones (UTF-8, caller's hints, EUC-JP, CP932). A decoder result counts as
// good only if it produced no U+FFFD: legacy charsets cannot encode U+FFFD, so any
// in the output marks bytes the decoder did not understand.

import iconv from 'iconv-lite';
import { decodeIso2022Jp, looksLikeIso2022Jp } from './iso-2022-jp';

export interface DecodedText {
  text: string;
  /** The charset actually used (canonical name). */
  charset: string;
  /** false: no charset fitted; `text` is a best effort with U+FFFD where bytes were not understood. */
  ok: boolean;
  /** Characters from the user-defined area (gaiji): decoded, but nobody can read them. */
  privateUseChars: number;
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

const HALF_WIDTH_KATAKANA = /[\uff61-\uff9f]/g;
const JAPANESE_OR_DEFAULT = new Set(['iso-2022-jp', 'cp932', 'euc-jp', 'utf-8', 'us-ascii']);

/**
 * EUC-JP text is also valid CP932 (as half-width katakana soup) and vice versa now and
 * then; of the charsets that fit, the one giving the fewest half-width katakana wins.
 */
function bestFit(bytes: Uint8Array, candidates: readonly string[]): DecodedText | null {
  let best: DecodedText | null = null;
  let bestScore = Infinity;
  for (const charset of candidates) {
    const decoded = decodeAs(bytes, charset);
    if (!decoded.ok) continue;
    const score = (decoded.text.match(HALF_WIDTH_KATAKANA) ?? []).length;
    if (score < bestScore) {
      best = decoded;
      bestScore = score;
    }
    if (score === 0) break;
  }
  return best;
}

function mostlyReadable(text: string): boolean {
  const nonAscii = (text.match(/[^\x00-\x7f]/g) ?? []).length;
  const replaced = (text.match(/\ufffd/g) ?? []).length;
  return replaced * 10 <= nonAscii;
}

/**
 * Decode `bytes` declared as `declared` (may be missing or wrong).
 * `hints`: other charsets this message declares, tried before the Japanese guesses.
 */
export function decodeText(bytes: Uint8Array, declared?: string | null, hints: readonly string[] = []): DecodedText {
  const label = canonicalCharset(declared);
  const sevenBit = isSevenBit(bytes);
  // JIS escapes in a 7-bit part: ISO-2022-JP whatever the label says (often "us-ascii" or none).
  if (sevenBit && label !== 'iso-2022-jp' && !/^iso-2022-(kr|cn)/.test(label ?? '') && looksLikeIso2022Jp(bytes)) {
    const jis = decodeAs(bytes, 'iso-2022-jp');
    if (jis.ok) return jis;
  }
  if (sevenBit && (label === null || label === 'us-ascii' || label === 'utf-8')) return decodeAs(bytes, 'us-ascii');

  const first = decodeAs(bytes, label ?? 'utf-8');
  if (first.ok) return first;
  // Mostly readable under its own label: a damaged message, not a mislabelled one.
  // Guessing another charset here would trade a reported flaw for silent mojibake.
  if (label !== null && mostlyReadable(first.text)) return first;

  // A known non-Japanese label that does not fit is more likely damaged than Japanese:
  // only mislabelled UTF-8 is worth a try there.
  const japaneseGuesses = label === null || JAPANESE_OR_DEFAULT.has(label) ? ['euc-jp', 'cp932'] : [];
  const hinted = hints.map(canonicalCharset).filter((c): c is string => c !== null);
  const guesses = [...new Set(['utf-8', ...hinted, ...japaneseGuesses])].filter((c) => c !== label);
  return bestFit(bytes, guesses) ?? first;
}
