// The MIME tree of a raw message, with every leaf's bytes after transfer decoding
// and before any charset decoding. We walk the tree ourselves instead of using
// mailparser because mailparser turns text parts into strings on the way (UTF-8 and
// unlabelled parts through Buffer.toString, which silently yields U+FFFD), and the
// caller needs the original bytes of any part that cannot be decoded.

import { withoutMboxFromLine } from './mbox-from-line';
import { decodeUuencode } from './uuencode';

/** Lower-case header name → unfolded values as byte strings (one char per byte). */
export type RawHeaders = Map<string, string[]>;

export interface MimePart {
  /** "1", "1.2", …; the top-level part is "" . */
  path: string;
  headers: RawHeaders;
  /** Content-Type value as a byte string ('' when absent). */
  contentType: string;
  /** Leaf content after Content-Transfer-Encoding, or undefined for a multipart. */
  body?: Buffer;
  children: MimePart[];
  /** What went wrong undoing the Content-Transfer-Encoding, in words an agent understands. */
  transferProblem?: string;
  /** The encoding could not be undone at all: `body` is the part as received, still encoded. */
  stillEncoded?: true;
  /** A name the encoding itself carries (uuencode's `begin 644 name`). */
  encodedName?: string;
}

const MAX_DEPTH = 20;

/** Index of the blank line ending the header block, and the length of that separator. */
function headerEnd(text: string): { at: number; length: number } | null {
  const match = /\r?\n\r?\n/.exec(text);
  return match ? { at: match.index, length: match[0].length } : null;
}

/** A header field's name (RFC 5322 ftext): printable ASCII but the colon. */
const FIELD_NAME = /^[!-9;-~]+$/;

interface HeaderBlock {
  headers: RawHeaders;
  /** Fields whose name is a proper field name (others are kept too, leniently). */
  wellFormed: number;
  /** Lines that are neither a field nor a continuation: left out. */
  stray: string[];
}

function readHeaderBlock(block: string): HeaderBlock {
  const headers: RawHeaders = new Map();
  const stray: string[] = [];
  let wellFormed = 0;
  const lines = block.split(/\r?\n/);
  let current: string | null = null;
  const flush = () => {
    if (current === null) return;
    const colon = current.indexOf(':');
    if (colon > 0) {
      const name = current.slice(0, colon).trim().toLowerCase();
      const value = current.slice(colon + 1).trim();
      headers.set(name, [...(headers.get(name) ?? []), value]);
      if (FIELD_NAME.test(name)) wellFormed++;
    } else if (current.trim() !== '') {
      stray.push(current);
    }
    current = null;
  };
  for (const line of lines) {
    if (/^[ \t]/.test(line) && current !== null) {
      current += line.replace(/^[ \t]+/, ' ');
    } else {
      flush();
      current = line;
    }
  }
  flush();
  return { headers, wellFormed, stray };
}

/**
 * How an entity began: with header fields; with nothing at all; with an empty line
 * (no headers, then a body); or with something that has no header field before the
 * first empty line (not a mail or part at all: all of it is body).
 */
type EntityShape = 'headers' | 'empty' | 'no-headers' | 'not-headers';

interface Entity {
  headers: RawHeaders;
  body: string;
  shape: EntityShape;
  stray: string[];
}

/** Split a message or part (byte string) into its headers and body. */
function splitEntity(text: string): Entity {
  if (text === '') return { headers: new Map(), body: '', shape: 'empty', stray: [] };
  // A part starting with a blank line has no headers.
  if (/^\r?\n/.test(text)) return { headers: new Map(), body: text.replace(/^\r?\n/, ''), shape: 'no-headers', stray: [] };
  const end = headerEnd(text);
  const block = readHeaderBlock(end ? text.slice(0, end.at) : text);
  // Not one header field: these bytes are no header block, and nothing of them may be dropped.
  if (block.wellFormed === 0) return { headers: new Map(), body: text, shape: 'not-headers', stray: [] };
  return { headers: block.headers, body: end ? text.slice(end.at + end.length) : '', shape: 'headers', stray: block.stray };
}

function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  const input = text.replace(/[ \t]+(\r?\n)/g, '$1').replace(/=\r?\n/g, '');
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(input.slice(i + 1, i + 3))) {
      bytes.push(parseInt(input.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(c & 0xff);
    }
  }
  return Buffer.from(bytes);
}

interface TransferDecoded {
  body: Buffer;
  problem?: string;
  stillEncoded?: true;
  encodedName?: string;
}

const BASE64_PREFIX = /^[A-Za-z0-9+/]*={0,2}/;

/**
 * Base64 up to the end of its data. Mailing lists append plain-text footers after a
 * base64 body: those lines are no data and are left out, as every mail client does
 * (the raw message keeps them). Junk written on the data's own last line, after its
 * padding (`…AAA==junk`, `…AAAA}}junk`), must not cost the part the data before it: the data is
 * decoded and the junk named.
 */
function decodeBase64(body: string): TransferDecoded {
  const data: string[] = [];
  let junk = '';
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const valid = BASE64_PREFIX.exec(trimmed)![0];
    if (valid.length === trimmed.length) {
      data.push(valid);
      if (valid.endsWith('=')) break;
      continue;
    }
    // Data, then junk: the data ends at its padding, or is a long run of whole base64
    // quanta. A footer line is no data at all: "To" of "To unsubscribe" is not base64.
    if (valid.endsWith('=') || (valid.length >= 16 && valid.length % 4 === 0)) {
      data.push(valid);
      junk = trimmed.slice(valid.length);
    }
    break;
  }
  const decoded = Buffer.from(data.join(''), 'base64');
  if (junk === '') return { body: decoded };
  return {
    body: decoded,
    problem: `base64 ends after ${decoded.length} bytes; ${junk.length} characters after its padding are not base64 and were left out (the raw message keeps them)`,
  };
}

function decodeUuencoded(body: string): TransferDecoded {
  const decoded = decodeUuencode(body);
  const named = decoded.filename ? { encodedName: decoded.filename } : {};
  if (decoded.ok) return { body: decoded.bytes, ...named };
  if (decoded.bytes.length > 0) return { body: decoded.bytes, ...named, problem: 'uuencode is cut short (no "end" line, or lines that are not uuencode); what could be read is kept' };
  return { body: Buffer.from(body, 'latin1'), stillEncoded: true, problem: 'x-uuencode without a "begin" line: kept as received, still encoded' };
}

const IDENTITY = new Set(['', '7bit', '8bit', 'binary', '7-bit', '8-bit']);

function transferDecode(body: string, encoding: string): TransferDecoded {
  const name = encoding.trim().toLowerCase();
  switch (name) {
    case 'base64':
      return decodeBase64(body);
    case 'quoted-printable':
      return { body: decodeQuotedPrintable(body) };
    case 'x-uuencode':
    case 'uuencode':
    case 'x-uue':
      return decodeUuencoded(body);
    default:
      if (IDENTITY.has(name)) return { body: Buffer.from(body, 'latin1') };
      return {
        body: Buffer.from(body, 'latin1'),
        stillEncoded: true,
        problem: `unknown Content-Transfer-Encoding "${name}": kept as received, still encoded`,
      };
  }
}

function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The bodies between `--boundary` lines; the line break before a delimiter belongs to it. */
function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escapeRegExp(boundary)}(--)?[ \\t]*(?=\\r?\\n|$)`, 'g');
  const parts: string[] = [];
  let start: number | null = null;
  for (const match of body.matchAll(delimiter)) {
    if (start !== null) parts.push(body.slice(start, match.index));
    if (match[1] === '--') return parts;
    start = match.index + match[0].length;
    start += /^\r?\n/.exec(body.slice(start))?.[0].length ?? 0;
  }
  // No closing delimiter (truncated mail): the last part runs to the end.
  if (start !== null) parts.push(body.slice(start));
  return parts;
}

function buildPart(text: string, path: string, depth: number, entity: Entity = splitEntity(text)): MimePart {
  const { headers, body } = entity;
  const contentType = headers.get('content-type')?.[0] ?? '';
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  const boundary = mediaType.startsWith('multipart/') ? boundaryOf(contentType) : null;
  if (boundary && depth < MAX_DEPTH) {
    const children = splitMultipart(body, boundary).map((child, i) =>
      buildPart(child, path ? `${path}.${i + 1}` : `${i + 1}`, depth + 1),
    );
    if (children.length > 0) return { path, headers, contentType, children };
  }
  const encoding = headers.get('content-transfer-encoding')?.[0] ?? '';
  const decoded = transferDecode(body, encoding);
  return {
    path,
    headers,
    contentType,
    body: decoded.body,
    children: [],
    ...(decoded.problem ? { transferProblem: decoded.problem } : {}),
    ...(decoded.stillEncoded ? { stillEncoded: true as const } : {}),
    ...(decoded.encodedName ? { encodedName: decoded.encodedName } : {}),
  };
}

export interface ParsedMessage {
  root: MimePart;
  /** No header field at the top: not a mail (message/rfc822); whatever there was is the root's body. */
  notAMail: boolean;
  /** What was wrong with the message's form, in words an agent understands. */
  problems: string[];
}

/** Bytes (a byte string) shown safely: printable ASCII as is, anything else as \xNN. */
function shown(bytes: string, max = 40): string {
  const cut = bytes.length > max ? bytes.slice(0, max) : bytes;
  const text = cut.replace(/[^ -~]|[\\"]/g, (c) => (c === '\\' ? '\\\\' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return `"${text}${bytes.length > max ? '…' : ''}"`;
}

function formProblems(entity: Entity, text: string): string[] {
  switch (entity.shape) {
    case 'empty':
      return ['not a mail: the message is empty (no headers, no body)'];
    case 'no-headers':
      return ['not a mail: the message has no headers (it begins with an empty line), so no sender, subject or date; the rest is read as the body'];
    case 'not-headers':
      return [
        `not a mail (message/rfc822): no header field before the first empty line (it begins ${shown(text)}); ` +
          'all of it is read as the body, and the raw message keeps it as received',
      ];
    case 'headers': {
      const n = entity.stray.length;
      if (n === 0) return [];
      return [`header block: ${n} line${n === 1 ? '' : 's'} that ${n === 1 ? 'is' : 'are'} not a header field left out (the first: ${shown(entity.stray[0], 60)}); the raw message keeps ${n === 1 ? 'it' : 'them'}`];
    }
  }
}

/** The MIME tree of a raw message (a leading mbox `From ` line skipped), and what was wrong with its form. */
export function parseMessage(raw: Buffer): ParsedMessage {
  const text = withoutMboxFromLine(raw).toString('latin1');
  const entity = splitEntity(text);
  return { root: buildPart(text, '', 0, entity), notAMail: entity.shape !== 'headers', problems: formProblems(entity, text) };
}

/** Leaves in document order. */
export function leaves(part: MimePart): MimePart[] {
  return part.children.length === 0 ? [part] : part.children.flatMap(leaves);
}
