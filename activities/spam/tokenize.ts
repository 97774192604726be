// Tokenizer for the built-in spam filter (pure: no I/O).
//
// Japanese has no spaces between words, so runs of Japanese script are cut
// into overlapping character bigrams ("pseudo word segmentation", no
// dictionary), the way the reference desk's customised bogofilter did.
// Everything else becomes lowercased words. Header-derived tokens carry a
// prefix naming where they came from (subj:, from:, url:, mime:...), so that
// "free" in a subject and "free" in a body are learnt separately.
//
// The scanner walks char codes by hand instead of using regexes: no
// backtracking, one pass, and the only allocations are the tokens themselves.

import { htmlToTokenText } from './html-text';
import { addHostTokens } from './url-tokens';

/** A message already decoded to Unicode (see activities/spam/from-decoded-mail.ts). */
export interface MessageForTokens {
  subject: string;
  /** Address header as written, e.g. `"Sato" <sato@example.co.jp>` or a bare address. */
  from?: string;
  replyTo?: string;
  text: string;
  html?: string;
  /** Every MIME part's content type, e.g. 'multipart/alternative', 'text/html'. */
  contentTypes: string[];
  charsets: string[];
  attachments?: { filename?: string; contentType: string }[];
  /** The other header lines (Received, To, X-Mailer, List-Id...), values as written. */
  headers?: { name: string; value: string }[];
}

/** Words longer than this are base64 debris, hashes or tracking ids: never seen twice. */
const MAX_WORD_LENGTH = 30;
const MIN_WORD_LENGTH = 2;

/**
 * The distinct tokens of a message. A token counts once per message however
 * often it occurs (as in bogofilter), so the result has no duplicates.
 */
export function tokenize(message: MessageForTokens): string[] {
  const tokens = new Set<string>();
  addTextTokens(message.subject, 'subj:', tokens);
  addAddressTokens(message.from, 'from:', tokens);
  addAddressTokens(message.replyTo, 'replyto:', tokens);
  addTextTokens(message.text, '', tokens);
  if (message.html) addTextTokens(htmlToTokenText(message.html, tokens), '', tokens);
  for (const type of message.contentTypes) tokens.add('mime:' + type.toLowerCase());
  for (const charset of message.charsets) tokens.add('charset:' + charset.toLowerCase());
  for (const attachment of message.attachments ?? []) addAttachmentTokens(attachment, tokens);
  for (const header of message.headers ?? []) addHeaderTokens(header.name.toLowerCase(), header.value, tokens);
  return [...tokens];
}

/**
 * Adds the tokens of a piece of free text: bigrams for Japanese runs, words
 * for the rest, `url:` domains for links. Exported for the HTML reducer and tests.
 */
function addTextTokens(raw: string, prefix: string, tokens: Set<string>): void {
  if (!raw) return;
  // Lowercasing the whole text once is much cheaper than word by word.
  const text = normalizeWidths(raw).toLowerCase();
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (isJapanese(c)) {
      i = addJapaneseRun(text, i, prefix, tokens);
    } else if (isWordChar(c)) {
      i = addWord(text, i, prefix, tokens);
    } else {
      i++;
    }
  }
}

/**
 * NFKC folds half-width katakana (ｶﾀｶﾅ) to full width and full-width ASCII
 * (ＡＢＣ１２３) to ASCII, so both spellings train the same tokens.
 * Pure-ASCII text, the common case, skips the normalisation.
 */
function normalizeWidths(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return text.normalize('NFKC');
  }
  return text;
}

/** Kanji, hiragana, katakana (incl. the long-vowel mark and 々). Punctuation such as 、。「」 ends a run. */
function isJapanese(c: number): boolean {
  return (
    (c >= 0x3040 && c <= 0x30ff && c !== 0x30fb) || // hiragana, katakana (minus the ・ separator)
    (c >= 0x4e00 && c <= 0x9fff) || // CJK unified ideographs
    (c >= 0x3400 && c <= 0x4dbf) || // CJK extension A
    (c >= 0xf900 && c <= 0xfaff) || // CJK compatibility ideographs
    (c >= 0x31f0 && c <= 0x31ff) || // katakana phonetic extensions
    c === 0x3005 || // 々 iteration mark
    c === 0x3006 || // 〆
    (c >= 0xff66 && c <= 0xff9f) // half-width katakana left over (normally folded by NFKC)
  );
}

/** Letters and digits of any alphabetic script (Latin, Greek, Cyrillic, Hangul...), plus '$'. */
function isWordChar(c: number): boolean {
  if (c < 0x80) {
    return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x24;
  }
  if (c < 0xc0) return false; // Latin-1 punctuation and symbols
  if (c === 0xd7 || c === 0xf7) return false; // × ÷
  if (c >= 0x2000 && c <= 0x2bff) return false; // general punctuation, symbols, arrows, boxes
  if (c >= 0x3000 && c <= 0x303f) return false; // CJK punctuation
  if (c >= 0xd800 && c <= 0xdfff) return false; // surrogates (emoji and rare ideographs)
  if (c >= 0xfe30 && c <= 0xfe4f) return false; // CJK compatibility forms
  if (c >= 0xff00 && c <= 0xffef) return false; // full-width punctuation left after NFKC
  return !isJapanese(c);
}

/** Characters allowed inside a word but not at its ends: "don't", "e-mail", "v1.2", "foo_bar". */
function isInnerChar(c: number): boolean {
  return c === 0x27 || c === 0x2d || c === 0x2e || c === 0x5f;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function addJapaneseRun(text: string, start: number, prefix: string, tokens: Set<string>): number {
  let end = start + 1;
  while (end < text.length && isJapanese(text.charCodeAt(end))) end++;
  if (end - start === 1) {
    tokens.add(prefix + text[start]);
  } else {
    for (let k = start; k < end - 1; k++) tokens.add(prefix + text.substring(k, k + 2));
  }
  return end;
}

/** Scans one word of lowercased text starting at `start`; returns the index after it. Links are handed to addUrl. */
function addWord(text: string, start: number, prefix: string, tokens: Set<string>): number {
  const length = text.length;
  let end = start;
  let lastWordChar = start;
  let hasLetter = false;
  while (end < length) {
    const c = text.charCodeAt(end);
    if (isWordChar(c)) {
      lastWordChar = end;
      if (!hasLetter && !isDigit(c) && c !== 0x24) hasLetter = true;
    } else if (!isInnerChar(c)) {
      break;
    }
    end++;
  }
  const wordEnd = lastWordChar + 1; // trailing '.', '-' ... are punctuation, not part of the word

  if (text.charCodeAt(wordEnd) === 0x3a && text.startsWith('//', wordEnd + 1) && isWebScheme(text, start, wordEnd)) {
    return addUrl(text, wordEnd + 3, tokens);
  }
  const wordLength = wordEnd - start;
  // Pure numbers (dates, ids, phone numbers) are mostly unique noise; prices with '$' are not.
  if ((hasLetter || text.charCodeAt(start) === 0x24) && wordLength >= MIN_WORD_LENGTH && wordLength <= MAX_WORD_LENGTH) {
    const word = text.substring(start, wordEnd);
    if (startsWithWww(word)) addHostTokens(word, tokens);
    else tokens.add(prefix + word);
  }
  return wordEnd;
}

function isWebScheme(text: string, start: number, end: number): boolean {
  const scheme = text.substring(start, end);
  return scheme === 'http' || scheme === 'https' || scheme === 'ftp';
}

function startsWithWww(word: string): boolean {
  return word.length > 4 && word.startsWith('www.');
}

/** Reads the host after "scheme://"; the path is left to the word scanner. Returns the index after the host. */
function addUrl(text: string, hostStart: number, tokens: Set<string>): number {
  let end = hostStart;
  while (end < text.length && !endsHost(text.charCodeAt(end))) end++;
  addHostTokens(text.substring(hostStart, end), tokens);
  return end;
}

function endsHost(c: number): boolean {
  return (
    c <= 0x20 || c === 0x2f || c === 0x3f || c === 0x23 || c === 0x22 || c === 0x27 ||
    c === 0x3c || c === 0x3e || c === 0x29 || c === 0x5c || c === 0x5d
  );
}

/**
 * From/Reply-To: the sender's domain, the address itself (regular
 * correspondents are strong ham evidence) and the display name's words.
 */
function addAddressTokens(header: string | undefined, prefix: string, tokens: Set<string>): void {
  if (!header) return;
  const at = header.lastIndexOf('@');
  if (at < 0) {
    addTextTokens(header, prefix, tokens);
    return;
  }
  let localStart = at;
  while (localStart > 0 && !endsAddress(header.charCodeAt(localStart - 1))) localStart--;
  let domainEnd = at + 1;
  while (domainEnd < header.length && !endsAddress(header.charCodeAt(domainEnd))) domainEnd++;
  const domain = header.substring(at + 1, domainEnd).toLowerCase();
  if (domain) {
    tokens.add(prefix + domain);
    tokens.add(prefix + header.substring(localStart, domainEnd).toLowerCase());
  }
  const displayName = header.substring(0, localStart);
  addTextTokens(displayName, prefix, tokens);
}

function endsAddress(c: number): boolean {
  return c <= 0x20 || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x2c || c === 0x3b || c === 0x28 || c === 0x29;
}

/**
 * Headers the tokens above already cover, and those a mail store or another
 * filter adds after delivery: they describe our mailbox, not the sender.
 */
const SKIPPED_HEADERS = new Set([
  'subject', 'from', 'reply-to', 'content-type', 'status', 'x-status', 'x-keywords', 'x-uid', 'x-uidl', 'x-bogosity',
]);

/** Other headers: `hdr:` for the header's presence, then its words as `rcvd:`, `to:` or `head:`. */
function addHeaderTokens(name: string, value: string, tokens: Set<string>): void {
  if (SKIPPED_HEADERS.has(name) || name.startsWith('x-spam-')) return;
  tokens.add('hdr:' + name);
  const prefix = name === 'received' ? 'rcvd:' : name === 'to' || name === 'cc' ? 'to:' : 'head:';
  addTextTokens(value, prefix, tokens);
}

function addAttachmentTokens(attachment: { filename?: string; contentType: string }, tokens: Set<string>): void {
  tokens.add('att:' + attachment.contentType.toLowerCase());
  const name = attachment.filename;
  if (!name) return;
  const dot = name.lastIndexOf('.');
  if (dot >= 0 && name.length - dot <= 6) tokens.add('att:' + name.substring(dot).toLowerCase());
}
