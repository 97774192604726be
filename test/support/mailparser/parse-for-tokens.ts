// Kept for tests only: they compare mailparser's reading of a mail with the
// product's own decoder (activities/mail/decode.ts), which the intake uses.
// mailparser is therefore a dev dependency.
// Turns a raw RFC 822 message into the spam tokenizer's input: mailparser
// decodes headers, bodies and charsets (ISO-2022-JP, Shift_JIS...) to Unicode;
// a quick scan of the raw text lists the MIME structure, which simpleParser
// does not expose.

import { simpleParser, type AddressObject } from 'mailparser';
import type { MessageForTokens } from '../../../activities/spam/tokenize';
import { looksMisdecoded, redecodeUndeclaredBody } from './undeclared-charset';

/** Only what the tokenizer needs: no HTML↔text conversions, no inlined images. */
const PARSER_OPTIONS = {
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
} as const;

export async function parseForTokens(raw: Buffer | string): Promise<MessageForTokens> {
  const parsed = await simpleParser(raw, PARSER_OPTIONS);
  const structure = scanMimeStructure(typeof raw === 'string' ? raw : raw.toString('latin1'));
  let text = parsed.text ?? '';
  if (looksMisdecoded(text) && typeof raw !== 'string') {
    text = redecodeUndeclaredBody(raw) ?? text;
  }
  return {
    subject: parsed.subject ?? '',
    from: addressText(parsed.from),
    replyTo: addressText(parsed.replyTo),
    text,
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    contentTypes: structure.contentTypes,
    charsets: structure.charsets,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType })),
    headers: parsed.headerLines.map(({ key, line }) => ({ name: key, value: headerValue(line) })),
  };
}

/** The raw line minus "Name:"; folding is left in place, line breaks only separate words. */
function headerValue(line: string): string {
  return line.substring(line.indexOf(':') + 1).trim();
}

function addressText(address: AddressObject | AddressObject[] | undefined): string | undefined {
  if (!address) return undefined;
  const first = Array.isArray(address) ? address[0] : address;
  const mailbox = first?.value[0];
  if (!mailbox) return first?.text;
  return mailbox.name ? `${mailbox.name} <${mailbox.address ?? ''}>` : mailbox.address;
}

export interface MimeStructure {
  contentTypes: string[];
  charsets: string[];
}

/**
 * Every `Content-Type:` header line of the message (top level and parts) and
 * every charset named there or in RFC 2047 encoded words of the top headers.
 * Body lines cannot be mistaken for these: base64 has no ':' and a text line
 * starting "Content-Type:" is rare enough not to matter to a spam filter.
 */
export function scanMimeStructure(raw: string): MimeStructure {
  const contentTypes = new Set<string>();
  const charsets = new Set<string>();
  const headerEnd = findHeaderEnd(raw);
  addEncodedWordCharsets(raw.substring(0, headerEnd), charsets);
  let lineStart = 0;
  while (lineStart < raw.length) {
    let lineEnd = raw.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = raw.length;
    if (isContentTypeLine(raw, lineStart)) {
      // Folded headers continue on lines starting with white space.
      while (lineEnd + 1 < raw.length && (raw[lineEnd + 1] === ' ' || raw[lineEnd + 1] === '\t')) {
        const next = raw.indexOf('\n', lineEnd + 1);
        lineEnd = next < 0 ? raw.length : next;
      }
      addContentType(raw.substring(lineStart + CONTENT_TYPE.length, lineEnd), contentTypes, charsets);
    }
    lineStart = lineEnd + 1;
  }
  if (contentTypes.size === 0) contentTypes.add('text/plain'); // RFC 2045 default
  return { contentTypes: [...contentTypes], charsets: [...charsets] };
}

const CONTENT_TYPE = 'content-type:';

function isContentTypeLine(raw: string, at: number): boolean {
  const c = raw.charCodeAt(at);
  if (c !== 0x43 && c !== 0x63) return false; // 'C' / 'c'
  return raw.substring(at, at + CONTENT_TYPE.length).toLowerCase() === CONTENT_TYPE;
}

function findHeaderEnd(raw: string): number {
  const lf = raw.indexOf('\n\n');
  const crlf = raw.indexOf('\r\n\r\n');
  if (lf < 0) return crlf < 0 ? raw.length : crlf;
  return crlf < 0 ? lf : Math.min(lf, crlf);
}

function addContentType(value: string, contentTypes: Set<string>, charsets: Set<string>): void {
  const lower = value.toLowerCase();
  const semi = lower.indexOf(';');
  const type = (semi < 0 ? lower : lower.substring(0, semi)).trim();
  if (type && type.length <= 60) contentTypes.add(type);
  const at = lower.indexOf('charset=');
  if (at < 0) return;
  let start = at + 'charset='.length;
  while (lower[start] === '"' || lower[start] === "'") start++;
  let end = start;
  while (end < lower.length && isCharsetChar(lower.charCodeAt(end))) end++;
  if (end > start && end - start <= 30) charsets.add(lower.substring(start, end));
}

function isCharsetChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x3a;
}

function isCharsetName(name: string): boolean {
  if (name.length === 0 || name.length > 30) return false;
  for (let i = 0; i < name.length; i++) if (!isCharsetChar(name.charCodeAt(i))) return false;
  return true;
}

/** `=?iso-2022-jp?B?...?=` in Subject/From names the charset too. */
function addEncodedWordCharsets(headers: string, charsets: Set<string>): void {
  let at = headers.indexOf('=?');
  while (at >= 0) {
    const end = headers.indexOf('?', at + 2);
    if (end < 0) return;
    const charset = headers.substring(at + 2, end).toLowerCase().split('*')[0]; // RFC 2231 language suffix
    if (isCharsetName(charset)) charsets.add(charset);
    at = headers.indexOf('=?', end + 1);
  }
}
