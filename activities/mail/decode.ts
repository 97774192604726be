// A raw RFC 822 message → the Unicode the desk works with.
//
// Rule: nothing silently becomes U+FFFD. A part no charset fits is decoded as well as
// possible, kept byte for byte as an attachment, and named in `problems`; the same
// goes for headers and file names that do not decode cleanly.

import { createHash } from 'node:crypto';
import { planParts, type LeafLook, type PartPlan } from './body-choice';
import { decodeText, guessedCharsetProblem, type DecodedText } from './charsets';
import { decodeHeaderValue, parseStructuredHeader, type HeaderText } from './header-words';
import { htmlToText } from './html-to-text';
import { readAddresses, type MailAddress } from './mail-addresses';
import { leaves, parseMessage, type MimePart, type RawHeaders } from './mime-parts';

export type { RawHeaders } from './mime-parts';
export type { MailAddress } from './mail-addresses';

export interface MailAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  content: Buffer;
  sha256: string;
  contentId?: string;
  /** Shown inside the body (Content-Disposition: inline, e.g. an embedded image). */
  inline: boolean;
  /** The HTML the body's text was read from, kept for the agent: not a file the sender attached. */
  bodyHtml?: true;
}

export interface DecodedMail {
  /** Lower-case name → raw unfolded values (byte strings); what classifyIgnorable reads. */
  headers: RawHeaders;
  subject: string;
  from: MailAddress | null;
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  /** With angle brackets, as written: `<abc@host>`. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** ISO 8601, or null when absent or unreadable. */
  date: string | null;
  /** The body as a mail client shows it: the parts it shows, in order, HTML ones read as text (body-choice.ts). */
  text: string;
  html?: string;
  attachments: MailAttachment[];
  /** Charsets actually used, headers and body. */
  charsets: string[];
  /** What could not be decoded cleanly, in words an agent understands. */
  problems: string[];
  /** Not a mail at all (no header field): all of it was read as the body; `problems` says what it began with. */
  notAMail?: true;
}

interface Collector {
  charsets: Set<string>;
  problems: string[];
  /** Charsets the body parts declare: the best guess for raw 8-bit headers. */
  declared: string[];
}

function header(headers: RawHeaders, name: string): string | null {
  return headers.get(name)?.[0] ?? null;
}

/** "the subject", "the From header": where a guessed charset was used, for the agent. */
function headerWhere(name: string): string {
  return name === 'subject' ? 'the subject' : `the ${name.replace(/(^|-)(\w)/g, (_, dash, c) => dash + c.toUpperCase())} header`;
}

function noteHeader(decoded: HeaderText, name: string, raw: string, c: Collector): void {
  decoded.charsets.forEach((cs) => c.charsets.add(cs));
  if (!decoded.ok) c.problems.push(`header ${name}: could not be decoded cleanly; raw value: ${JSON.stringify(raw)}`);
  noteGuesses(decoded.guessed, headerWhere(name), c);
}

function noteGuesses(guessed: readonly DecodedText[], where: string, c: Collector): void {
  for (const decoded of guessed) {
    const problem = guessedCharsetProblem(decoded, where);
    if (problem && !c.problems.includes(problem)) c.problems.push(problem);
  }
}

function decodeHeader(headers: RawHeaders, name: string, c: Collector): string {
  const raw = header(headers, name);
  if (raw === null) return '';
  const decoded = decodeHeaderValue(raw, c.declared);
  noteHeader(decoded, name, raw, c);
  return decoded.text.trim();
}

function decodeAddresses(headers: RawHeaders, name: string, c: Collector): MailAddress[] {
  const values = headers.get(name) ?? [];
  if (values.length === 0) return [];
  const read = readAddresses(values, c.declared);
  noteHeader(read.header, name, values.join(', '), c);
  const label = name.replace(/(^|-)(\w)/g, (_, dash, ch) => dash + ch.toUpperCase());
  for (const mailbox of read.unreadable) {
    c.problems.push(
      `${label}: ${JSON.stringify(mailbox)} cannot be read as an address as written; it was not taken ` +
        `(the desk never writes to an address the sender did not write)`,
    );
  }
  return read.addresses;
}

function messageIds(value: string | null): string[] {
  return value ? [...value.matchAll(/<[^<>\s]+>/g)].map((m) => m[0]) : [];
}

function parseDate(value: string | null): string | null {
  if (!value) return null;
  const time = Date.parse(value.replace(/\([^)]*\)/g, '').trim());
  return Number.isFinite(time) ? new Date(time).toISOString() : null;
}

// ---------------------------------------------------------------------------
// Body parts.

interface PartInfo {
  part: MimePart;
  mediaType: string;
  charset: string | null;
  flowed: { delSp: boolean } | null;
  disposition: string;
  filename: string | null;
  /** "part 1.2", or "the body" for a single-part mail. */
  where: string;
}

function describePart(part: MimePart, c: Collector): PartInfo {
  const type = parseStructuredHeader(part.contentType || 'text/plain', c.declared);
  const disposition = parseStructuredHeader(header(part.headers, 'content-disposition') ?? '', c.declared);
  const filename = disposition.params['filename'] ?? type.params['name'] ?? part.encodedName ?? null;
  const where = part.path ? `part ${part.path}` : 'the body';
  if (disposition.undecodable.includes('filename') || (!disposition.params['filename'] && type.undecodable.includes('name'))) {
    c.problems.push(`${where}: file name could not be decoded cleanly (${JSON.stringify(filename)})`);
  }
  noteGuesses([...type.guessed, ...disposition.guessed], `the file name of ${where}`, c);
  const format = (type.params['format'] ?? '').toLowerCase();
  return {
    part,
    mediaType: type.value || 'text/plain',
    charset: type.params['charset'] ?? null,
    flowed: format === 'flowed' ? { delSp: (type.params['delsp'] ?? '').toLowerCase() === 'yes' } : null,
    disposition: disposition.value,
    filename: filename || null,
    where,
  };
}

function kindOf(info: PartInfo): LeafLook['kind'] {
  return info.mediaType === 'text/plain' ? 'plain' : info.mediaType === 'text/html' ? 'html' : 'other';
}

/** An HTML part without a charset parameter may name one in a <meta> tag. */
function metaCharset(bytes: Buffer): string | null {
  const head = bytes.subarray(0, 2048).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ?? null;
}

/** RFC 3676: lines ending in a space continue on the next line. */
function unflow(text: string, delSp: boolean): string {
  const out: string[] = [];
  let carry = '';
  for (const rawLine of text.split('\n')) {
    const line = rawLine.startsWith(' ') ? rawLine.slice(1) : rawLine;
    if (line.endsWith(' ') && line !== '-- ') {
      carry += delSp ? line.slice(0, -1) : line;
    } else {
      out.push(carry + line);
      carry = '';
    }
  }
  if (carry) out.push(carry);
  return out.join('\n');
}

function attachmentOf(content: Buffer, fields: { filename: string | null; contentType: string; inline: boolean; contentId?: string }): MailAttachment {
  return {
    filename: fields.filename,
    contentType: fields.contentType,
    size: content.length,
    content,
    sha256: createHash('sha256').update(content).digest('hex'),
    ...(fields.contentId ? { contentId: fields.contentId } : {}),
    inline: fields.inline,
  };
}

function toAttachment(info: PartInfo, content: Buffer, filename = info.filename): MailAttachment {
  const contentId = header(info.part.headers, 'content-id')?.trim();
  return attachmentOf(content, { filename, contentType: info.mediaType, inline: info.disposition === 'inline', contentId });
}

interface PartText {
  text: string;
  /** The part's bytes, kept because no charset fitted them. */
  kept?: MailAttachment;
}

function decodeBodyText(info: PartInfo, c: Collector): PartText {
  const bytes = info.part.body ?? Buffer.alloc(0);
  const declared = info.charset ?? (info.mediaType === 'text/html' ? metaCharset(bytes) : null);
  const decoded: DecodedText = decodeText(bytes, declared, c.declared);
  c.charsets.add(decoded.charset);
  let kept: MailAttachment | undefined;
  if (!decoded.ok) {
    const name = `undecodable-${info.part.path || 'body'}.${info.mediaType === 'text/html' ? 'html' : 'txt'}`;
    kept = toAttachment(info, bytes, name);
    c.problems.push(
      `${info.where} (${info.mediaType}, charset ${declared ?? 'not declared'}): no charset fits these bytes; ` +
        `shown as ${decoded.charset} with \ufffd where bytes were not understood, original kept as "${name}"`,
    );
  } else if (decoded.privateUseChars > 0) {
    c.problems.push(`${info.where}: ${decoded.privateUseChars} user-defined (gaiji) characters cannot be shown`);
  }
  noteGuesses([decoded], info.where, c);
  const text = decoded.text.replace(/\r\n?/g, '\n');
  return { text: info.flowed ? unflow(text, info.flowed.delSp) : text, ...(kept ? { kept } : {}) };
}

/**
 * The HTML a body was read from, kept as a file: the body shows its text only, and
 * an agent may need the layout (tables, links). Stored as UTF-8, which the meta tag
 * says, so it opens right in any browser; the raw message keeps the original bytes.
 */
function htmlBodyFile(info: PartInfo, html: string): MailAttachment {
  const name = info.part.path ? `mail-body-${info.part.path}.html` : 'mail-body.html';
  const content = Buffer.from(`<meta charset="utf-8">\n${html}`, 'utf8');
  return { ...attachmentOf(content, { filename: name, contentType: 'text/html', inline: false }), bodyHtml: true };
}

function declaredCharsets(root: MimePart): string[] {
  const found = new Set<string>();
  for (const leaf of leaves(root)) {
    const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(leaf.contentType);
    if (match) found.add(match[1]);
  }
  return [...found];
}

/** Each part described and decoded once, however often body choice asks. */
class PartReader {
  private readonly infos = new Map<MimePart, PartInfo>();
  private readonly texts = new Map<MimePart, PartText>();

  constructor(private readonly c: Collector) {}

  info(part: MimePart): PartInfo {
    let info = this.infos.get(part);
    if (!info) this.infos.set(part, (info = describePart(part, this.c)));
    return info;
  }

  text(part: MimePart): PartText {
    let text = this.texts.get(part);
    if (!text) this.texts.set(part, (text = decodeBodyText(this.info(part), this.c)));
    return text;
  }

  look(part: MimePart): LeafLook {
    const info = this.info(part);
    const kind = kindOf(info);
    return {
      kind,
      disposition: info.disposition,
      filename: info.filename,
      undecodable: part.stillEncoded === true,
      hasContent: () => {
        const { text } = this.text(part);
        return (kind === 'html' ? htmlToText(text) : text).trim() !== '';
      },
    };
  }
}

interface Body {
  text: string[];
  html: string[];
  attachments: MailAttachment[];
}

/** One part's share of the body and the files, as its role says. */
function takePart({ part, role }: PartPlan, reader: PartReader, body: Body, c: Collector): void {
  const info = reader.info(part);
  if (part.transferProblem) c.problems.push(`${info.where}: ${part.transferProblem}`);
  const bytes = part.body ?? Buffer.alloc(0);
  if (role === 'file') {
    const name = info.filename ?? (part.stillEncoded ? `undecodable-${part.path || 'body'}.txt` : null);
    body.attachments.push(toAttachment(info, bytes, name));
    return;
  }
  if (role === 'unshown-text') return;
  const { text, kept } = reader.text(part);
  if (kept) body.attachments.push(kept);
  const html = kindOf(info) === 'html';
  if (html) body.html.push(text);
  if (role === 'unshown-html') return;
  body.text.push(html ? htmlToText(text) : text);
  if (role === 'body-and-file') body.attachments.push(toAttachment(info, bytes));
  else if (html && !kept) body.attachments.push(htmlBodyFile(info, text));
}

export function decodeMail(raw: Buffer): DecodedMail {
  const { root, notAMail, problems } = parseMessage(raw);
  const c: Collector = { charsets: new Set(), problems: [...problems], declared: declaredCharsets(root) };
  const h = root.headers;

  const reader = new PartReader(c);
  const body: Body = { text: [], html: [], attachments: [] };
  for (const plan of planParts(root, (part) => reader.look(part))) takePart(plan, reader, body, c);

  const htmlText = body.html.length > 0 ? body.html.join('\n') : undefined;
  return {
    headers: h,
    subject: decodeHeader(h, 'subject', c),
    from: decodeAddresses(h, 'from', c)[0] ?? null,
    replyTo: decodeAddresses(h, 'reply-to', c),
    to: decodeAddresses(h, 'to', c),
    cc: decodeAddresses(h, 'cc', c),
    messageId: messageIds(header(h, 'message-id'))[0] ?? null,
    inReplyTo: messageIds(header(h, 'in-reply-to'))[0] ?? null,
    references: messageIds((h.get('references') ?? []).join(' ')),
    date: parseDate(header(h, 'date')),
    text: body.text.join('\n'),
    ...(htmlText !== undefined ? { html: htmlText } : {}),
    attachments: body.attachments,
    charsets: [...c.charsets],
    problems: c.problems,
    ...(notAMail ? { notAMail: true as const } : {}),
  };
}
