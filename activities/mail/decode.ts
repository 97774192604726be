// A raw RFC 822 message → the Unicode the desk works with.
//
// Rule: nothing silently becomes U+FFFD. A part no charset fits is decoded as well as
// possible, kept byte for byte as an attachment, and named in `problems`; the same
// goes for headers and file names that do not decode cleanly.

import { createHash } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import { decodeText, type DecodedText } from './charsets';
import { decodeEncodedWords, decodeHeaderValue, emptyHeaderText, parseStructuredHeader, rawHeaderToUnicode } from './header-words';
import { htmlToText } from './html-to-text';
import { leaves, parseMessage, type MimePart, type RawHeaders } from './mime-parts';

export type { RawHeaders } from './mime-parts';

export interface MailAddress {
  name: string;
  address: string;
}

export interface MailAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  content: Buffer;
  sha256: string;
  contentId?: string;
  /** Shown inside the body (Content-Disposition: inline, e.g. an embedded image). */
  inline: boolean;
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
  /** The plain-text body; reduced from the HTML body when there is no plain part. */
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

function decodeHeader(headers: RawHeaders, name: string, c: Collector): string {
  const raw = header(headers, name);
  if (raw === null) return '';
  const decoded = decodeHeaderValue(raw, c.declared);
  decoded.charsets.forEach((cs) => c.charsets.add(cs));
  if (!decoded.ok) c.problems.push(`header ${name}: could not be decoded cleanly; raw value: ${JSON.stringify(raw)}`);
  return decoded.text.trim();
}

function decodeAddresses(headers: RawHeaders, name: string, c: Collector): MailAddress[] {
  const values = headers.get(name) ?? [];
  const result: MailAddress[] = [];
  for (const raw of values) {
    const out = emptyHeaderText();
    const unicode = rawHeaderToUnicode(raw, c.declared, out);
    for (const parsed of addressparser(unicode, { flatten: true })) {
      if (!parsed.address) continue;
      result.push({ name: decodeEncodedWords(parsed.name ?? '', out).trim(), address: parsed.address.trim() });
    }
    out.charsets.forEach((cs) => c.charsets.add(cs));
    if (!out.ok) c.problems.push(`header ${name}: could not be decoded cleanly; raw value: ${JSON.stringify(raw)}`);
  }
  return result;
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
}

function describePart(part: MimePart, c: Collector): PartInfo {
  const type = parseStructuredHeader(part.contentType || 'text/plain', c.declared);
  const disposition = parseStructuredHeader(header(part.headers, 'content-disposition') ?? '', c.declared);
  const filename = disposition.params['filename'] ?? type.params['name'] ?? null;
  const where = part.path ? `part ${part.path}` : 'body';
  if (disposition.undecodable.includes('filename') || (!disposition.params['filename'] && type.undecodable.includes('name'))) {
    c.problems.push(`${where}: file name could not be decoded cleanly (${JSON.stringify(filename)})`);
  }
  const format = (type.params['format'] ?? '').toLowerCase();
  return {
    part,
    mediaType: type.value || 'text/plain',
    charset: type.params['charset'] ?? null,
    flowed: format === 'flowed' ? { delSp: (type.params['delsp'] ?? '').toLowerCase() === 'yes' } : null,
    disposition: disposition.value,
    filename: filename || null,
  };
}

function isBodyText(info: PartInfo): boolean {
  return (info.mediaType === 'text/plain' || info.mediaType === 'text/html') && info.disposition !== 'attachment' && !info.filename;
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

function toAttachment(info: PartInfo, content: Buffer, filename = info.filename): MailAttachment {
  const contentId = header(info.part.headers, 'content-id')?.trim();
  return {
    filename,
    contentType: info.mediaType,
    size: content.length,
    content,
    sha256: createHash('sha256').update(content).digest('hex'),
    ...(contentId ? { contentId } : {}),
    inline: info.disposition === 'inline',
  };
}

function decodeBodyText(info: PartInfo, c: Collector, attachments: MailAttachment[]): string {
  const bytes = info.part.body ?? Buffer.alloc(0);
  const declared = info.charset ?? (info.mediaType === 'text/html' ? metaCharset(bytes) : null);
  const decoded: DecodedText = decodeText(bytes, declared);
  c.charsets.add(decoded.charset);
  const where = info.part.path ? `part ${info.part.path}` : 'body';
  if (!decoded.ok) {
    const kept = `undecodable-${info.part.path || 'body'}.${info.mediaType === 'text/html' ? 'html' : 'txt'}`;
    attachments.push(toAttachment(info, bytes, kept));
    c.problems.push(
      `${where} (${info.mediaType}, charset ${declared ?? 'not declared'}): no charset fits these bytes; ` +
        `shown as ${decoded.charset} with \ufffd where bytes were not understood, original kept as "${kept}"`,
    );
  } else if (decoded.privateUseChars > 0) {
    c.problems.push(`${where}: ${decoded.privateUseChars} user-defined (gaiji) characters cannot be shown`);
  }
  const text = decoded.text.replace(/\r\n?/g, '\n');
  return info.flowed ? unflow(text, info.flowed.delSp) : text;
}

function declaredCharsets(root: MimePart): string[] {
  const found = new Set<string>();
  for (const leaf of leaves(root)) {
    const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(leaf.contentType);
    if (match) found.add(match[1]);
  }
  return [...found];
}

export function decodeMail(raw: Buffer): DecodedMail {
  const { root, notAMail, problems } = parseMessage(raw);
  const c: Collector = { charsets: new Set(), problems: [...problems], declared: declaredCharsets(root) };
  const h = root.headers;

  const plain: string[] = [];
  const html: string[] = [];
  const attachments: MailAttachment[] = [];
  for (const leaf of leaves(root)) {
    const info = describePart(leaf, c);
    if (isBodyText(info)) {
      (info.mediaType === 'text/html' ? html : plain).push(decodeBodyText(info, c, attachments));
    } else {
      attachments.push(toAttachment(info, leaf.body ?? Buffer.alloc(0)));
    }
  }

  const htmlText = html.length > 0 ? html.join('\n') : undefined;
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
    text: plain.length > 0 ? plain.join('\n') : htmlText ? htmlToText(htmlText) : '',
    ...(htmlText !== undefined ? { html: htmlText } : {}),
    attachments,
    charsets: [...c.charsets],
    problems: c.problems,
    ...(notAMail ? { notAMail: true as const } : {}),
  };
}
