// One outgoing mail → the exact bytes to hand to SMTP. Pure: no I/O, no clock.
//
// The whole message is in one charset, chosen by chooseCharset over subject,
// display names and body (never mixed):
// - ISO-2022-JP (or CP50220 labelled ISO-2022-JP): Content-Transfer-Encoding
//   7bit. Lines are kept as written while they fit 78 octets; when one does
//   not, the body becomes format=flowed; delsp=yes (RFC 3676, as Thunderbird
//   sends Japanese mail): long lines are broken with a trailing space that
//   flowed readers remove, other readers just see a wrapped line. Each line is
//   a complete ISO-2022-JP text (back to ASCII before CRLF).
// - UTF-8: base64, so line length never touches the text.
// Headers are RFC 2047 B-encoded words in the same charset (encodeHeaderWord).
// CR or LF in any header value (subject, name, address, message id) is refused
// with HeaderInjectionError: nothing a customer typed can add a header.

import { encodeHeaderWord, HeaderInjectionError, mimeCharsetName, splitIntoEncodedWords, MAX_HEADER_LINE_LENGTH } from '../mail/encoded-words';
import { chooseCharset, encodeIso2022Jp, toFullWidthKatakana, type CharsetSetting, type JapaneseMailCharset, type MessageCharset } from '../mail/iso-2022-jp';
import { HELPDESK_TICKET_HEADER } from '../intake/ignore-rules';

export interface Mailbox {
  address: string;
  name?: string | null;
}

export interface OutgoingMail {
  from: Mailbox;
  replyTo?: Mailbox;
  to: Mailbox[];
  cc?: Mailbox[];
  subject: string;
  body: string;
  /** `<local@domain>`, ours. */
  messageId: string;
  /** The message this one answers (`<…>`); also the last of `references`. */
  inReplyTo?: string;
  references?: string[];
  date: Date;
  /** Goes into X-Helpdesk-Ticket, so the intake knows the mail as ours when the list echoes it. */
  ticketNumber: string;
  /** Written by the desk, not a person (receipt notice, SLA notices): Auto-Submitted: auto-generated (RFC 3834). */
  automatic?: boolean;
}

export interface ComposedMessage {
  raw: Buffer;
  charset: MessageCharset;
  /** SMTP MAIL FROM and RCPT TO: To and Cc. */
  envelope: { from: string; to: string[] };
}

export class MailCompositionError extends Error {
  override name = 'MailCompositionError';
}

/** RFC 5322's "SHOULD" line length; flowed lines stay one below it for the soft-break space. */
const LINE_LIMIT = 78;
const FLOWED_LINE_LIMIT = 76;
/** RFC 5322's "MUST": CRLF excluded. */
const HARD_LINE_LIMIT = 998;
const BASE64_LINE = 76;

export function composeMessage(mail: OutgoingMail, setting: CharsetSetting): ComposedMessage {
  const mailboxes = [mail.from, ...(mail.replyTo ? [mail.replyTo] : []), ...mail.to, ...(mail.cc ?? [])];
  mailboxes.forEach((m) => checkAddress(m.address));
  if (mail.to.length === 0) throw new MailCompositionError('a mail needs at least one To address');
  // Every line, the last included, ends in CRLF; a final line break in the text is that one.
  const body = mail.body.replace(/\r\n?/g, '\n').replace(/\n$/, '');
  const names = mailboxes.map((m) => m.name ?? '').filter(Boolean);
  const charset = chooseCharset([mail.subject, ...names, body], setting);

  const { content, flowed } = charset === 'utf-8' ? { content: base64Body(body), flowed: false } : iso2022JpBody(body, charset);
  const headers = [
    `Date: ${formatDate(mail.date)}`,
    `From: ${mailboxList('From', [mail.from], charset)}`,
    ...(mail.replyTo ? [`Reply-To: ${mailboxList('Reply-To', [mail.replyTo], charset)}`] : []),
    `To: ${mailboxList('To', mail.to, charset)}`,
    ...(mail.cc?.length ? [`Cc: ${mailboxList('Cc', mail.cc, charset)}`] : []),
    `Subject: ${encodeHeaderWord(mail.subject, charset, { headerName: 'Subject' })}`,
    `Message-ID: ${checkMessageId(mail.messageId)}`,
    ...(mail.inReplyTo ? [`In-Reply-To: ${checkMessageId(mail.inReplyTo)}`] : []),
    ...(mail.references?.length ? [`References: ${mail.references.map(checkMessageId).join('\r\n ')}`] : []),
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${mimeCharsetName(charset)}${flowed ? '; format=flowed; delsp=yes' : ''}`,
    `Content-Transfer-Encoding: ${charset === 'utf-8' ? 'base64' : '7bit'}`,
    `${HELPDESK_TICKET_HEADER}: ${checkHeaderText(mail.ticketNumber, 'ticket number')}`,
    ...(mail.automatic ? ['Auto-Submitted: auto-generated'] : []),
  ];
  const head = Buffer.from(headers.join('\r\n') + '\r\n\r\n', 'ascii');
  const raw = Buffer.concat([head, content]);
  assertSendable(raw);
  return { raw, charset, envelope: { from: mail.from.address, to: [...mail.to, ...(mail.cc ?? [])].map((m) => m.address) } };
}

// ---------------------------------------------------------------------------
// Addresses and ids.

/** A plain ASCII addr-spec: no display-name tricks, no second address, no SMTPUTF8. */
const ADDR_SPEC = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const MESSAGE_ID = /^<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>$/;

export function isMessageId(value: string): boolean {
  return MESSAGE_ID.test(value);
}

function checkHeaderText(value: string, what: string): string {
  if (/[\r\n]/.test(value)) throw new HeaderInjectionError(what);
  return value;
}

function checkAddress(address: string): void {
  checkHeaderText(address, `address ${JSON.stringify(address)}`);
  if (!ADDR_SPEC.test(address)) throw new MailCompositionError(`not a mail address we can send to: ${JSON.stringify(address)}`);
}

function checkMessageId(id: string): string {
  checkHeaderText(id, 'message id');
  if (!MESSAGE_ID.test(id)) throw new MailCompositionError(`not a message id: ${JSON.stringify(id)}`);
  return id;
}

/** `Name <a@b>, Other <c@d>`: each mailbox on its own line, names encoded when they are not plain ASCII. */
function mailboxList(headerName: string, mailboxes: Mailbox[], charset: MessageCharset): string {
  return mailboxes
    .map((m, i) => formatMailbox(m, charset, i === 0 ? headerName.length + 2 : 1) + (i < mailboxes.length - 1 ? ',' : ''))
    .join('\r\n ');
}

const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;

function formatMailbox(mailbox: Mailbox, charset: MessageCharset, used: number): string {
  const name = mailbox.name?.trim();
  const angle = `<${mailbox.address}>`;
  if (!name) return mailbox.address;
  checkHeaderText(name, 'display name');
  const room = MAX_HEADER_LINE_LENGTH - used;
  if (/^[\x20-\x7e]*$/.test(name) && !name.includes('=?')) {
    const phrase = ATOM_PHRASE.test(name) ? name : `"${name.replace(/["\\]/g, '\\$&')}"`;
    if (phrase.length + 1 + angle.length <= room) return `${phrase} ${angle}`;
  }
  const words = splitIntoEncodedWords(name, charset, used);
  const last = words.length === 1 ? used + words[0].length : 1 + words[words.length - 1].length;
  const tail = last + 1 + angle.length <= MAX_HEADER_LINE_LENGTH ? ` ${angle}` : `\r\n ${angle}`;
  return words.join('\r\n ') + tail;
}

// ---------------------------------------------------------------------------
// Body.

function base64Body(body: string): Buffer {
  // Buffer.from would quietly turn a lone surrogate into U+FFFD.
  if (/\p{Cs}/u.test(body)) throw new MailCompositionError('the body contains a lone surrogate (broken UTF-16)');
  const encoded = Buffer.from(`${body}\n`.replace(/\n/g, '\r\n'), 'utf8').toString('base64');
  const lines = encoded.match(new RegExp(`.{1,${BASE64_LINE}}`, 'g')) ?? [];
  return Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'ascii');
}

function iso2022JpBody(body: string, variant: JapaneseMailCharset): { content: Buffer; flowed: boolean } {
  const lines = toFullWidthKatakana(body).split('\n');
  const encode = (text: string) => encodeJapanese(text, variant);
  const plain = lines.map(encode);
  if (plain.every((bytes) => bytes.length <= LINE_LIMIT)) return { content: joinLines(plain), flowed: false };
  const flowed = lines.flatMap((line) => flowLine(line, variant)).map(encode);
  return { content: joinLines(flowed), flowed: true };
}

function encodeJapanese(text: string, variant: JapaneseMailCharset): Buffer {
  const encoded = encodeIso2022Jp(text, variant);
  // chooseCharset picked this variant for the whole text, so a refusal here is a bug.
  if (!encoded.ok) throw new MailCompositionError(`${variant} cannot carry ${encoded.unencodable.join(' ')}`);
  return encoded.bytes;
}

function joinLines(lines: Buffer[]): Buffer {
  return Buffer.concat(lines.flatMap((line) => [line, CRLF]));
}

const CRLF = Buffer.from('\r\n');

// Kinsoku: no line starts with closing punctuation or a prolonged sound mark, none ends with an opening bracket.
const NO_LINE_START = new Set('、。，．・：；？！ー）」』】〕〉》’”…‥ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ');
const NO_LINE_END = new Set('（「『【〔〈《‘“');

/**
 * One hard line → its flowed lines (RFC 3676, DelSp=yes): trailing spaces
 * trimmed (a trailing space would mean "joins the next line"), every line
 * starting with space, ">" or "From " space-stuffed, each soft-broken line
 * ending in the one space the reader deletes.
 */
export function flowLine(line: string, variant: JapaneseMailCharset): string[] {
  const chars = [...line.replace(/ +$/, '')];
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const end = breakPoint(chars, start);
    if (end === undefined) break;
    out.push(stuff(chars.slice(start, end).join('')) + ' ');
    start = end;
  }
  out.push(stuff(chars.slice(start).join('')));
  // The meter below mirrors the encoder; a line over the hard limit would mean they disagree.
  for (const flowed of out) {
    const length = encodeJapanese(flowed, variant).length;
    if (length > HARD_LINE_LIMIT) throw new MailCompositionError(`unreachable: a flowed line of ${length} octets`);
  }
  return out;
}

function stuff(line: string): string {
  return /^( |>|From )/.test(line) ? ` ${line}` : line;
}

/**
 * Where to end the line that starts at `start`, or undefined when the rest
 * fits: the last good break within 76 octets, else (a long URL) the first
 * good break beyond, within 998.
 */
function breakPoint(chars: string[], start: number): number | undefined {
  const meter = new LineMeter(/^( |>|From )/.test(chars.slice(start, start + 5).join('')) ? 1 : 0);
  let lastGood: number | undefined;
  let end = start;
  for (; end < chars.length; end++) {
    meter.add(chars[end]);
    if (end === chars.length - 1 && meter.octets() <= FLOWED_LINE_LIMIT) return undefined;
    // +1: the soft-break space.
    if (meter.octets() + 1 > FLOWED_LINE_LIMIT) break;
    if (canBreakBefore(chars, end + 1)) lastGood = end + 1;
  }
  if (end >= chars.length) return undefined;
  if (lastGood !== undefined) return lastGood;
  for (end++; end < chars.length; end++) {
    if (canBreakBefore(chars, end)) return end;
    meter.add(chars[end]);
    if (meter.octets() + 1 > HARD_LINE_LIMIT) return end;
  }
  return undefined;
}

function canBreakBefore(chars: string[], at: number): boolean {
  const before = chars[at - 1];
  const after = chars[at];
  if (before === undefined || after === undefined) return false;
  if (before === ' ') return after !== ' ';
  if (after === ' ') return false;
  const wide = before.charCodeAt(0) >= 0x80 || after.charCodeAt(0) >= 0x80;
  return wide && !NO_LINE_START.has(after) && !NO_LINE_END.has(before);
}

/**
 * The encoded length of a growing line, as encodeIso2022Jp writes it: ASCII 1
 * octet, JIS X 0208 2, ¥ and ‾ 1 in JIS-Roman, 3 per escape into a mode and 3
 * to return to ASCII at the end. (The text is already known to be encodable.)
 */
class LineMeter {
  private length: number;
  private mode: 'ascii' | 'roman' | 'jis' = 'ascii';
  constructor(initial: number) {
    this.length = initial;
  }
  add(char: string): void {
    const unit = char.charCodeAt(0);
    const mode = unit < 0x80 ? 'ascii' : unit === 0xa5 || unit === 0x203e ? 'roman' : 'jis';
    if (mode !== this.mode) this.length += 3;
    this.mode = mode;
    this.length += mode === 'jis' ? 2 : 1;
  }
  octets(): number {
    return this.length + (this.mode === 'ascii' ? 0 : 3);
  }
}

// ---------------------------------------------------------------------------

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const JST_OFFSET_MS = 9 * 3_600_000;

/** RFC 5322 date in Japan time (no daylight saving there): `Sat, 21 Nov 2026 10:00:00 +0900`. */
function formatDate(date: Date): string {
  const t = new Date(date.getTime() + JST_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[t.getUTCDay()]}, ${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())} +0900`;
}

/** The guarantees the transport relies on: 7-bit bytes, CRLF only, no line over 998 octets. */
function assertSendable(raw: Buffer): void {
  let lineStart = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b >= 0x80 || b === 0) throw new MailCompositionError(`unreachable: byte 0x${b.toString(16)} at ${i} in a 7-bit message`);
    if (b === 0x0a) {
      if (raw[i - 1] !== 0x0d) throw new MailCompositionError(`unreachable: bare LF at ${i}`);
      if (i - 1 - lineStart > HARD_LINE_LIMIT) throw new MailCompositionError(`a line of ${i - 1 - lineStart} octets exceeds ${HARD_LINE_LIMIT}`);
      lineStart = i + 1;
    } else if (b === 0x0d && raw[i + 1] !== 0x0a) {
      throw new MailCompositionError(`unreachable: bare CR at ${i}`);
    }
  }
}
