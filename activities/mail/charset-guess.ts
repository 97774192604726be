// Which charset undeclared (or wrongly declared) 8-bit text was written in, with a
// measure of how sure we are.
//
// Every candidate charset that decodes the bytes cleanly is scored by how plausible
// its text is as something a person wrote: Latin letters inside Latin words,
// kana beside kanji, the common characters of the language the charset is for.
// Mojibake is implausible in ways such rules see: `rÃ¡pido`, `r疳ido`, half-width
// katakana soup, kana read as Korean jamo, a character set's rarest characters.
// The mail's own declared charsets are hints, and the desk's Japanese charsets win
// a tie (most of its mail is Japanese).
//
// `jschardet` (Mozilla's universal detector, with character frequency tables for
// Chinese, Japanese and Korean) adds its confidence as one more piece of evidence,
// but does not decide alone: measured on what a desk has to guess (subjects and
// names of 2 to 30 characters) it read EUC-JP `障害報告書送付依頼` as GB18030, two
// Shift_JIS kanji as IBM855 and `rápido` as windows-1250, and it takes no hints.
// (`chardet`, ICU's detector, did worse: a Shift_JIS subject came out windows-1252.)
// What it does well is tell Chinese from Japanese kanji and Korean in sentences,
// which no rule without frequencies can. Our rules need no table of their own:
// iconv-lite's tables tell a charset's first-level (common) characters from the rest.

import iconv from 'iconv-lite';
import jschardet from 'jschardet';

export interface CharsetGuess {
  charset: string;
  /** The charset is one of the hints: the mail declares it somewhere. */
  hinted: boolean;
  /** 0–1: how far ahead of the next candidate (a different text) the guess is. */
  confidence: number;
}

/** Enough text to judge by; a long body is judged by its beginning. */
const SAMPLE_BYTES = 64 * 1024;

/** Always worth a try for 8-bit text the desk gets; a mail's hints add others. */
const USUAL_CANDIDATES = ['euc-jp', 'cp932', 'gbk', 'big5', 'cp949', 'windows-1252'];
const JAPANESE = new Set(['euc-jp', 'cp932']);
const CJK = new Set(['euc-jp', 'cp932', 'gb18030', 'gbk', 'big5', 'cp949']);

/** Cost per 8-bit byte added to a charset that is neither hinted nor Japanese: the desk's mail is mostly Japanese. */
const FOREIGN_PRIOR = 0.15;
/** Taken off a charset the mail declares somewhere. */
const HINT_BONUS = 0.3;
/** Cost per 8-bit byte above which a text is no text at all: then no charset fits. */
const MOST_IMPLAUSIBLE = 0.5;

const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001a\u001c-\u001f\u007f-\u009f\ufffd]/;

/**
 * The charset of the most plausible clean decoding of `bytes`, or null when no
 * candidate decodes them cleanly. `decode` answers null for bytes the charset does not fit.
 */
export function guessCharset(whole: Uint8Array, hints: readonly string[], decode: (bytes: Uint8Array, charset: string) => string | null): CharsetGuess | null {
  const bytes = sampleOf(whole);
  const eightBit = bytes.reduce((n, b) => n + (b >= 0x80 ? 1 : 0), 0) || 1;
  const frequencies = frequencyEvidence(bytes);
  const scored: { charset: string; text: string; cost: number }[] = [];
  for (const charset of [...new Set([...hints, ...USUAL_CANDIDATES])]) {
    const text = decode(bytes, charset);
    if (text === null || CONTROL.test(text)) continue;
    const own = implausibility(text, charset) / eightBit;
    if (own > MOST_IMPLAUSIBLE) continue;
    const prior = hints.includes(charset) ? -HINT_BONUS : JAPANESE.has(charset) ? 0 : FOREIGN_PRIOR;
    const evidence = FREQUENCY_WEIGHT * (frequencies.get(charset) ?? 0);
    scored.push({ charset, text, cost: own + prior - evidence });
  }
  if (scored.length === 0) return null;
  // Stable: of equal costs the earlier candidate (hints, then the Japanese charsets) wins.
  scored.sort((a, b) => a.cost - b.cost);
  const [best] = scored;
  const rival = scored.find((s) => s.text !== best.text);
  const margin = rival ? rival.cost - best.cost : 1;
  return { charset: best.charset, hinted: hints.includes(best.charset), confidence: Math.max(0, Math.min(1, margin)) };
}

/** The first SAMPLE_BYTES, cut after a line feed: in every candidate charset a character boundary. */
function sampleOf(bytes: Uint8Array): Uint8Array {
  if (bytes.length <= SAMPLE_BYTES) return bytes;
  const cut = bytes.subarray(0, SAMPLE_BYTES).lastIndexOf(0x0a);
  return bytes.subarray(0, cut > 0 ? cut + 1 : SAMPLE_BYTES);
}

/** How much jschardet's confidence (0–1) counts against our cost per byte. */
const FREQUENCY_WEIGHT = 2;

/** jschardet's names for the charsets we decode with. */
const JSCHARDET_NAMES: Record<string, string> = {
  'EUC-JP': 'euc-jp', SHIFT_JIS: 'cp932', CP932: 'cp932', GB18030: 'gbk', GB2312: 'gbk', Big5: 'big5',
  'EUC-KR': 'cp949', CP949: 'cp949', 'Windows-1252': 'windows-1252', 'ISO-8859-1': 'windows-1252',
};

/** Our charset name → jschardet's confidence in it, from its character frequency statistics. */
function frequencyEvidence(bytes: Uint8Array): Map<string, number> {
  const evidence = new Map<string, number>();
  for (const { encoding, confidence } of jschardet.detectAll(Buffer.from(bytes), { minimumThreshold: 0 })) {
    if (!encoding) continue;
    const ours = JSCHARDET_NAMES[encoding] ?? encoding.toLowerCase();
    evidence.set(ours, Math.max(evidence.get(ours) ?? 0, confidence));
  }
  return evidence;
}

// ---------------------------------------------------------------------------
// How implausible a text is: the sum of its characters' costs.

const HIRAGANA_KATAKANA = /[\u3041-\u30ff]/;
const HALF_WIDTH_KATAKANA = /[\uff61-\uff9f]/;
const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
const HANGUL = /[\uac00-\ud7a3]/;
const JAMO = /[\u3130-\u318f\u1100-\u11ff]/;
const CJK_PUNCTUATION = /[\u3000-\u303f\uff01-\uff60\uffe0-\uffe6\u2010-\u2027\u2030-\u203b\u00b7\u00d7\u00f7]/;
const CJK_SYMBOL = /[\u2190-\u21ff\u2200-\u22ff\u2460-\u24ff\u2500-\u257f\u25a0-\u25ff\u2600-\u26ff\u3200-\u33ff]/;
const LATIN_LETTER = /[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]/;
/** Letters of Latin-1 hardly any language writes (ÿ, þ, ð, ý, Ý…): what bytes read as Latin-1 by mistake often give. */
const RARE_LATIN_LETTER = /[\u00d0\u00dd\u00de\u00f0\u00fd\u00fe\u00ff]/;
const ASCII_LETTER = /[A-Za-z]/;
const CYRILLIC_GREEK = /[\u0370-\u03ff\u0400-\u04ff]/;
const WINDOWS_PUNCTUATION = /[\u2018-\u201e\u2013\u2014\u2026\u20ac\u2122\u2022]/;

function implausibility(text: string, charset: string): number {
  const chars = [...text];
  const cjk = CJK.has(charset);
  const japanese = JAPANESE.has(charset);
  const hasKana = chars.some((c) => HIRAGANA_KATAKANA.test(c));
  let cost = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c < '\u0080') continue;
    const before = chars[i - 1] ?? ' ';
    const after = chars[i + 1] ?? ' ';
    if (HIRAGANA_KATAKANA.test(c)) cost += japanese || charset === 'utf-8' ? 0 : 1;
    else if (HAN.test(c)) cost += hanCost(c, charset) + (ASCII_LETTER.test(before) || ASCII_LETTER.test(after) ? 0.5 : 0);
    else if (HANGUL.test(c)) cost += charset === 'cp949' && !isCommon(c, 'cp949') ? 1 : 0.1;
    else if (JAMO.test(c)) cost += 1;
    else if (HALF_WIDTH_KATAKANA.test(c)) cost += 0.8;
    else if (CJK_PUNCTUATION.test(c)) cost += cjk ? 0 : 0.3;
    else if (CJK_SYMBOL.test(c)) cost += 0.3;
    else if (LATIN_LETTER.test(c)) cost += RARE_LATIN_LETTER.test(c) ? 0.8 : latinLetterCost(chars, i);
    else if (CYRILLIC_GREEK.test(c)) cost += cjk ? 0.8 : cyrillicCost(chars, i);
    else if (WINDOWS_PUNCTUATION.test(c)) cost += c === '\u201a' || c === '\u201e' ? 0.5 : 0.1;
    else if (c >= '\u00a0' && c <= '\u00bf') cost += (ASCII_LETTER.test(before) && ASCII_LETTER.test(after)) || before >= '\u0080' || after >= '\u0080' ? 1 : 0.3;
    else cost += 1;
  }
  // A run of Han characters with no kana: a Japanese text that long almost always has some.
  if (japanese && !hasKana && chars.filter((c) => HAN.test(c)).length >= 4) cost += 0.5;
  return cost;
}

/** A non-ASCII Latin letter is plausible inside a word with ASCII letters, or in a short word (à, où). */
function latinLetterCost(chars: string[], i: number): number {
  let start = i;
  while (start > 0 && isLetter(chars[start - 1])) start--;
  let end = i;
  while (end < chars.length - 1 && isLetter(chars[end + 1])) end++;
  const word = chars.slice(start, end + 1);
  const ascii = word.filter((c) => ASCII_LETTER.test(c)).length;
  const other = word.length - ascii;
  if (caseFlips(word)) return 1;
  if (ascii >= other) return 0.1;
  return word.length <= 2 ? 0.2 : 0.8;
}

function cyrillicCost(chars: string[], i: number): number {
  let start = i;
  while (start > 0 && isLetter(chars[start - 1])) start--;
  let end = i;
  while (end < chars.length - 1 && isLetter(chars[end + 1])) end++;
  const word = chars.slice(start, end + 1);
  if (word.some((c) => ASCII_LETTER.test(c) || LATIN_LETTER.test(c)) || caseFlips(word)) return 1;
  return 0.15;
}

function isLetter(c: string): boolean {
  return /\p{L}/u.test(c);
}

/** `gRüSSe`: a capital after a small letter inside a word, as text read in the wrong single-byte charset shows. */
function caseFlips(word: string[]): boolean {
  for (let i = 1; i < word.length; i++) {
    const a = word[i - 1];
    const b = word[i];
    if (a !== a.toUpperCase() && b !== b.toLowerCase()) return true;
  }
  return false;
}

/** A common Han character for the language the charset is for; any Han for Unicode. */
function hanCost(c: string, charset: string): number {
  if (!CJK.has(charset)) return 1;
  return isCommon(c, charset) ? 0.1 : 1;
}

const commonCache = new Map<string, boolean>();

/**
 * In the first level (the frequently used characters) of the charset's national
 * standard: JIS X 0208 level 1, GB 2312 level 1, Big5's frequent characters, KS X 1001's Hangul.
 */
function isCommon(c: string, charset: string): boolean {
  const key = `${charset}:${c}`;
  const cached = commonCache.get(key);
  if (cached !== undefined) return cached;
  let common = false;
  if (JAPANESE.has(charset)) common = inLevel1(c, 'euc-jp', 0xb0, 0xcf);
  else if (charset === 'gb18030' || charset === 'gbk') common = inLevel1(c, 'gbk', 0xb0, 0xd7);
  else if (charset === 'big5') common = inLevel1(c, 'big5', 0xa4, 0xc6, 0x40);
  else if (charset === 'cp949') common = inLevel1(c, 'euc-kr', 0xb0, 0xc8);
  commonCache.set(key, common);
  return common;
}

function inLevel1(c: string, table: string, firstLead: number, lastLead: number, firstTrail = 0xa1): boolean {
  const bytes = iconv.encode(c, table);
  return bytes.length === 2 && bytes[0] >= firstLead && bytes[0] <= lastLead && bytes[1] >= firstTrail;
}
