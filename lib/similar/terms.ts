// The terms of a ticket for "similar past tickets" (pure: no I/O).
//
// Japanese has no spaces between words, PostgreSQL's full-text parser does not
// split it, and pg_trgm (shipped by the embedded PostgreSQL, but the database
// is initialised with the C locale) drops non-ASCII characters. So we cut the
// text ourselves, as the spam filter does (activities/spam/tokenize.ts): runs
// of Japanese script become overlapping character bigrams (no dictionary to
// miss a product name), everything else lowercased words. Unlike spam tokens
// these carry no header prefixes: a subject word and a body word are the same
// evidence of what the ticket is about.
//
// In OSS support the telling words are often not words: error codes (E1234,
// 0x80070005, ORA-12154), package and command names (node-gyp, systemctl,
// max_connections), versions (1.2.3), HTTP statuses (502), identifiers in
// code form (ECONNREFUSED, NullPointerException). Those are "signal" terms
// and weigh more; a compound also gives its parts (ora-12154 → ora, 12154),
// so "ORA 12154" written apart still meets it.

/** How much a query term counts before its rarity (idf) is applied. */
export const TERM_WEIGHT = { signal: 2.5, word: 1, bigram: 1, part: 0.7 } as const;

/** Each field is read up to this many characters: the gist of an inquiry is at its start, and a pasted log is bounded. */
const MAX_FIELD_CHARS = 8_000;
/** Distinct terms kept per ticket (first come first kept: subject, inquiry, resolution). */
const MAX_TERMS = 400;
const MIN_WORD = 2;
const MAX_WORD = 40;

/**
 * Greetings every Japanese business mail carries: removed before cutting, or
 * their bigrams (世話, 願い…) would make every ticket look alike.
 */
const JAPANESE_BOILERPLATE = [
  'いつもお世話になっております', 'お世話になっております', 'お世話になります', 'お疲れ様です',
  'よろしくお願いいたします', 'よろしくお願い致します', 'よろしくお願いします', '宜しくお願いいたします', '宜しくお願い致します', '宜しくお願いします',
  'ご確認ください', 'ご教示ください', 'お手数ですが', 'お忙しいところ恐れ入りますが', '恐れ入りますが',
];

/** Function words and the desk's own small talk: in every ticket, evidence of none. */
const STOP_WORDS = new Set(
  ('a an the and or but if is are was were be been being am to of in on at by for with from as it its this that these those ' +
    'i we you he she they me my our your us them do does did done have has had not no can cannot could would should will shall ' +
    'may might must so than then there here when what which who how why all any some also just only very after before since ' +
    'about into out up down over again now get got still even because while where each per via etc ' +
    'please thanks thank hello hi dear regards best team support issue problem help question ticket ' +
    'http https www com').split(' '),
);

/** A ticket as the search reads it. */
export interface TicketText {
  subject: string;
  inquiry?: string | null;
  resolution?: string | null;
}

/** The distinct terms of a ticket, each with its weight as a query term. */
export function ticketTerms(ticket: TicketText): Map<string, number> {
  const terms = new Map<string, number>();
  for (const field of [ticket.subject, ticket.inquiry, ticket.resolution]) {
    if (field) addTextTerms(field.slice(0, MAX_FIELD_CHARS), terms);
  }
  return terms;
}

/** Adds the terms of a piece of text to `terms`, keeping each term's highest weight. */
function addTextTerms(raw: string, terms: Map<string, number>): void {
  const text = withoutBoilerplate(raw.normalize('NFKC'));
  const add = (term: string, weight: number) => {
    const had = terms.get(term);
    if (had === undefined ? terms.size < MAX_TERMS : had < weight) terms.set(term, weight);
  };
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isJapanese(c)) i = addJapaneseRun(text, i, add);
    else if (isWordChar(c)) i = addWord(text, i, add);
    else i++;
  }
}

function withoutBoilerplate(text: string): string {
  if (!/[\u3040-\u30ff\u4e00-\u9fff]/.test(text)) return text;
  let out = text;
  for (const phrase of JAPANESE_BOILERPLATE) out = out.split(phrase).join('。');
  return out;
}

/** Kanji, hiragana, katakana (with ー and 々). Punctuation such as 、。「」・ ends a run. */
function isJapanese(c: number): boolean {
  return (
    (c >= 0x3040 && c <= 0x30ff && c !== 0x30fb) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0x31f0 && c <= 0x31ff) ||
    c === 0x3005 ||
    c === 0x3006
  );
}

const isHiragana = (c: number) => c >= 0x3041 && c <= 0x309f;
const isKatakana = (c: number) => (c >= 0x30a1 && c <= 0x30fa) || (c >= 0x31f0 && c <= 0x31ff);
const isKanji = (c: number) => (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff) || c === 0x3005;
const LONG_VOWEL = 0x30fc;

/**
 * Bigrams of one run. Bigrams of hiragana only (して, ます, ない) are grammar,
 * in nearly every ticket: left out. A katakana word's final ー is dropped
 * (サーバー = サーバ, ユーザー = ユーザ: both spellings are common in IT Japanese).
 * A lone kanji between other scripts (DBの値) is kept as it is.
 */
function addJapaneseRun(text: string, start: number, add: (term: string, weight: number) => void): number {
  let end = start + 1;
  while (end < text.length && isJapanese(text.charCodeAt(end))) end++;
  const run = foldLongVowels(text.substring(start, end));
  if (run.length === 1) {
    if (isKanji(run.charCodeAt(0))) add(run, TERM_WEIGHT.bigram);
    return end;
  }
  for (let k = 0; k < run.length - 1; k++) {
    if (isHiragana(run.charCodeAt(k)) && isHiragana(run.charCodeAt(k + 1))) continue;
    add(run.substring(k, k + 2), TERM_WEIGHT.bigram);
  }
  return end;
}

/** Drops ー where it ends a katakana word of three or more characters. */
function foldLongVowels(run: string): string {
  let out = '';
  for (let k = 0; k < run.length; k++) {
    const c = run.charCodeAt(k);
    const endsWord = k === run.length - 1 || !isKatakana(run.charCodeAt(k + 1));
    if (c === LONG_VOWEL && endsWord && k >= 2 && isKatakana(run.charCodeAt(k - 1))) continue;
    out += run[k];
  }
  return out;
}

/** Letters and digits (ASCII and other alphabets), not Japanese, not punctuation or symbols. */
function isWordChar(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
  if (c < 0xc0 || c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if (c >= 0xfe30 && c <= 0xfe4f) return false;
  if (c >= 0xff00 && c <= 0xffef) return false;
  return !isJapanese(c);
}

/** Inside a word, not at its ends: "ora-12154", "1.2.3", "max_connections", "types/node". */
const isInnerChar = (c: number) => c === 0x2d || c === 0x2e || c === 0x5f || c === 0x2f;

function addWord(text: string, start: number, add: (term: string, weight: number) => void): number {
  let end = start;
  let last = start;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (isWordChar(c)) last = end;
    else if (!isInnerChar(c)) break;
    end++;
  }
  const written = text.substring(start, last + 1);
  if (written.length > MAX_WORD) return last + 1;
  const word = written.toLowerCase();
  const kind = kindOf(word, written);
  if (kind === 'signal') {
    add(word, TERM_WEIGHT.signal);
    if (/[-._/]/.test(word)) for (const part of word.split(/[-._/]+/)) addPart(part, add);
  } else if (kind === 'word') {
    add(stem(word), TERM_WEIGHT.word);
  } else if (kind === 'number') {
    add(word, TERM_WEIGHT.word);
  } else if (kind === 'compound') {
    for (const part of word.split(/[-._/]+/)) addPart(part, add);
  }
  return last + 1;
}

type WordKind = 'signal' | 'word' | 'number' | 'compound' | 'skip';

/** What a word is worth: see the module's comment. `written` keeps the writer's case (ECONNREFUSED, NullPointerException). */
export function kindOf(word: string, written: string = word): WordKind {
  if (/^0x[0-9a-f]{2,}$/.test(word)) return 'signal';
  if (/^\d+(\.\d+)+$/.test(word)) return 'signal';
  if (/^[1-5]\d\d$/.test(word)) return 'signal';
  if (/^\d+$/.test(word)) return word.length >= 3 && word.length <= 6 ? 'number' : 'skip';
  if (/^[\d./_-]+$/.test(word)) return 'skip'; // dates, phone numbers: unique noise
  const compound = /[-._/]/.test(word);
  if (/\d/.test(word) || compound) return compound && !/\d/.test(word) && !looksLikeCode(word) ? 'compound' : 'signal';
  if (word.length < MIN_WORD || STOP_WORDS.has(word)) return 'skip';
  if (/^[A-Z]{3,}$/.test(written) || /[a-z][A-Z]/.test(written)) return 'signal';
  return 'word';
}

/** Hyphenated English (e-mail, log-in) is words; package names and settings (node-gyp, max_connections, config.yaml) are code. */
function looksLikeCode(word: string): boolean {
  if (/[_/]/.test(word)) return true;
  if (word.includes('.')) return true;
  return word.split('-').some((part) => part.length <= 3 && !STOP_WORDS.has(part)) && !/^(e|re|co|pre|non|self|log)-/.test(word);
}

function addPart(part: string, add: (term: string, weight: number) => void): void {
  if (part.length < MIN_WORD || STOP_WORDS.has(part)) return;
  if (/^\d+$/.test(part) && part.length < 3) return;
  add(/\d/.test(part) ? part : stem(part), TERM_WEIGHT.part);
}

/**
 * A light English stemmer (plural -s, -ed, -ing, then a final -e), applied
 * alike to past tickets and queries: upgrade, upgrades, upgraded, upgrading → upgrad.
 */
export function stem(word: string): string {
  if (!/^[a-z]+$/.test(word) || word.length <= 4) return word;
  let out = word;
  if (out.endsWith('ies')) out = out.slice(0, -3) + 'y';
  else if (out.endsWith('sses')) out = out.slice(0, -2);
  else if (out.endsWith('ing') && out.length > 6) out = undouble(out.slice(0, -3));
  else if (out.endsWith('ed') && out.length > 5) out = undouble(out.slice(0, -2));
  else if (out.endsWith('s') && !/(ss|us|is)$/.test(out)) out = out.slice(0, -1);
  return out.length > 4 && out.endsWith('e') ? out.slice(0, -1) : out;
}

/** stopped → stopp → stop; but fill, pass stay. */
function undouble(word: string): string {
  const n = word.length;
  return n > 3 && word[n - 1] === word[n - 2] && !/[lsz]/.test(word[n - 1]) ? word.slice(0, -1) : word;
}
