// The MIME tree of a raw message, with every leaf's bytes after transfer decoding
// and before any charset decoding. We walk the tree ourselves instead of using
// mailparser because mailparser turns text parts into strings on the way (UTF-8 and
// unlabelled parts through Buffer.toString, which silently yields U+FFFD), and the
// caller needs the original bytes of any part that cannot be decoded.

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
}

const MAX_DEPTH = 20;

/** Index of the blank line ending the header block, and the length of that separator. */
function headerEnd(text: string): { at: number; length: number } | null {
  const match = /\r?\n\r?\n/.exec(text);
  return match ? { at: match.index, length: match[0].length } : null;
}

export function parseHeaderBlock(block: string): RawHeaders {
  const headers: RawHeaders = new Map();
  const lines = block.split(/\r?\n/);
  let current: string | null = null;
  const flush = () => {
    if (current === null) return;
    const colon = current.indexOf(':');
    if (colon > 0) {
      const name = current.slice(0, colon).trim().toLowerCase();
      const value = current.slice(colon + 1).trim();
      headers.set(name, [...(headers.get(name) ?? []), value]);
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
  return headers;
}

/** Split a message or part (byte string) into its headers and body. */
function splitEntity(text: string): { headers: RawHeaders; body: string } {
  // An mbox "From " separator line (as in archived corpora) is not a header.
  const withoutEnvelope = text.startsWith('From ') ? text.slice(text.search(/\r?\n/) + 1) : text;
  // A part starting with a blank line has no headers.
  if (/^\r?\n/.test(withoutEnvelope)) return { headers: new Map(), body: withoutEnvelope.replace(/^\r?\n/, '') };
  const end = headerEnd(withoutEnvelope);
  if (!end) return { headers: parseHeaderBlock(withoutEnvelope), body: '' };
  return {
    headers: parseHeaderBlock(withoutEnvelope.slice(0, end.at)),
    body: withoutEnvelope.slice(end.at + end.length),
  };
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

/**
 * Base64 up to the first line that is not base64: mailing lists append plain-text
 * footers after a base64 body, which must not be decoded into garbage bytes.
 */
function decodeBase64(body: string): Buffer {
  const lines: string[] = [];
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed)) break;
    lines.push(trimmed);
    if (trimmed.endsWith('=')) break;
  }
  return Buffer.from(lines.join(''), 'base64');
}

function transferDecode(body: string, encoding: string): Buffer {
  switch (encoding.trim().toLowerCase()) {
    case 'base64':
      return decodeBase64(body);
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return Buffer.from(body, 'latin1');
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

function buildPart(text: string, path: string, depth: number): MimePart {
  const { headers, body } = splitEntity(text);
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
  return { path, headers, contentType, body: transferDecode(body, encoding), children: [] };
}

/** The MIME tree of a raw RFC 822 message. */
export function parseMime(raw: Buffer): MimePart {
  return buildPart(raw.toString('latin1'), '', 0);
}

/** Leaves in document order. */
export function leaves(part: MimePart): MimePart[] {
  return part.children.length === 0 ? [part] : part.children.flatMap(leaves);
}
