// Reduces an HTML body to plain text for the spam tokenizer, noting on the
// way the tags used (`tag:font`, `tag:img`) and where links point (`url:`),
// which tell spam from ham better than the words of many HTML mails.
//
// A forgiving hand-written scanner, not a DOM: spam HTML is often broken, and
// the filter only needs the words, the tag names and the link hosts.

import { decodeHtmlEntities } from '../mail/html-entities';
import { addHostTokens } from './url-tokens';

/** Tags that spammers put inside words ("V<b></b>iagra"): removing them joins the halves back. */
const INLINE_TAGS = new Set(['b', 'i', 'u', 'font', 'span', 'em', 'strong', 'small', 'big', 'sub', 'sup', 's']);
/** Attributes whose value is a link target worth a `url:` token. */
const LINK_ATTRIBUTES = new Set(['href', 'src', 'action', 'background']);

/** Text content of `html`; adds `tag:` and `url:` tokens to `tokens`. */
export function htmlToTokenText(html: string, tokens: Set<string>): string {
  const parts: string[] = [];
  const length = html.length;
  let i = 0;
  while (i < length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      parts.push(decodeHtmlEntities(html.substring(i)));
      break;
    }
    if (lt > i) parts.push(decodeHtmlEntities(html.substring(i, lt)));
    i = readMarkup(html, lt, parts, tokens);
  }
  return parts.join('');
}

/** Handles the markup starting at `lt` (a '<'); returns where text resumes. */
function readMarkup(html: string, lt: number, parts: string[], tokens: Set<string>): number {
  const length = html.length;
  if (html.startsWith('<!--', lt)) {
    // Comments are dropped without a space: they are another way to split words.
    const end = html.indexOf('-->', lt + 4);
    return end < 0 ? length : end + 3;
  }
  let j = lt + 1;
  const closing = html.charCodeAt(j) === 0x2f;
  if (closing) j++;
  const nameStart = j;
  while (j < length && isTagNameChar(html.charCodeAt(j))) j++;
  if (j === nameStart) {
    const c = html.charCodeAt(j);
    if (c === 0x21 || c === 0x3f) return skipPast(html, '>', j); // <!DOCTYPE>, <?xml?>
    parts.push('<'); // a lone "<" in text: "a < b"
    return lt + 1;
  }
  const name = html.substring(nameStart, j).toLowerCase();
  let gt = html.indexOf('>', j);
  if (gt < 0) gt = length;
  if (!closing) {
    tokens.add('tag:' + name);
    readAttributes(html, j, gt, tokens);
    if (name === 'script' || name === 'style') {
      parts.push(' ');
      return skipToClosingTag(html, gt + 1, name);
    }
  }
  parts.push(INLINE_TAGS.has(name) ? '' : ' ');
  return gt + 1;
}

function isTagNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x3a || c === 0x2d;
}

function skipPast(html: string, marker: string, from: number): number {
  const at = html.indexOf(marker, from);
  return at < 0 ? html.length : at + marker.length;
}

/** Index after `</name ...>`, matched case-insensitively; end of input if missing. */
function skipToClosingTag(html: string, from: number, name: string): number {
  let at = from;
  for (;;) {
    at = html.indexOf('</', at);
    if (at < 0) return html.length;
    if (html.substring(at + 2, at + 2 + name.length).toLowerCase() === name) return skipPast(html, '>', at);
    at += 2;
  }
}

/** Scans `name=value` pairs between `from` and `end`, adding `url:` tokens for link targets. */
function readAttributes(html: string, from: number, end: number, tokens: Set<string>): void {
  let i = from;
  while (i < end) {
    while (i < end && !isTagNameChar(html.charCodeAt(i))) i++;
    const nameStart = i;
    while (i < end && isTagNameChar(html.charCodeAt(i))) i++;
    const name = html.substring(nameStart, i).toLowerCase();
    while (i < end && html.charCodeAt(i) <= 0x20) i++;
    if (html.charCodeAt(i) !== 0x3d) continue; // attribute without a value
    i++;
    while (i < end && html.charCodeAt(i) <= 0x20) i++;
    const quote = html.charCodeAt(i);
    let valueStart = i;
    let valueEnd: number;
    if (quote === 0x22 || quote === 0x27) {
      valueStart = i + 1;
      valueEnd = html.indexOf(quote === 0x22 ? '"' : "'", valueStart);
      if (valueEnd < 0 || valueEnd > end) valueEnd = end;
      i = valueEnd + 1;
    } else {
      while (i < end && html.charCodeAt(i) > 0x20) i++;
      valueEnd = i;
    }
    if (LINK_ATTRIBUTES.has(name)) addLinkTarget(html.substring(valueStart, valueEnd).trim(), tokens);
  }
}

function addLinkTarget(target: string, tokens: Set<string>): void {
  const lower = target.substring(0, 8).toLowerCase();
  let hostStart = -1;
  if (lower.startsWith('http://')) hostStart = 7;
  else if (lower.startsWith('https://')) hostStart = 8;
  else if (lower.startsWith('//')) hostStart = 2;
  else if (lower.startsWith('mailto:')) {
    tokens.add('url:mailto');
    hostStart = target.indexOf('@') + 1;
    if (hostStart === 0) return;
  } else if (lower.startsWith('cid:')) {
    tokens.add('url:cid');
    return;
  } else {
    return; // relative link: no host
  }
  let hostEnd = hostStart;
  while (hostEnd < target.length && !endsHost(target.charCodeAt(hostEnd))) hostEnd++;
  addHostTokens(target.substring(hostStart, hostEnd), tokens);
}

function endsHost(c: number): boolean {
  return c <= 0x20 || c === 0x2f || c === 0x3f || c === 0x23 || c === 0x26;
}
