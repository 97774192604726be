// Address headers (From, Reply-To, To, Cc) → the addresses as the sender wrote them.
//
// nodemailer's addressparser is forgiving: `<power quadrant system@example.com>`
// comes out as "system@example.com", somebody else's address, and `foo bar@x` as
// "bar@x". The desk answers whatever address it takes from a mail, so an address is
// only taken when it reads exactly as written; one that does not is left out and
// named in problems, so no reply can go to an address the sender never wrote.

import addressparser from 'nodemailer/lib/addressparser';
import { decodeEncodedWords, emptyHeaderText, rawHeaderToUnicode, type HeaderText } from './header-words';

export interface MailAddress {
  name: string;
  address: string;
}

export interface ReadAddresses {
  addresses: MailAddress[];
  /** Mailboxes that do not read as an address, as written. */
  unreadable: string[];
  header: HeaderText;
}

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\uffff]+";
const LOCAL = `(?:${ATOM}(?:\\.+${ATOM})*\\.?|"(?:[^"\\\\]|\\\\.)*")`;
const DOMAIN = `(?:${ATOM}(?:\\.${ATOM})*|\\[[^\\[\\]\\s]*\\])`;
const ADDR_SPEC = new RegExp(`^${LOCAL}@${DOMAIN}$`);

/** An address as RFC 5322 (with RFC 6531's non-ASCII) writes one: no spaces, one @, nothing around it. */
export function isReadableAddress(address: string): boolean {
  return ADDR_SPEC.test(address);
}

/**
 * The customer of a ticket whose mail named nobody readable: in the `invalid`
 * top-level domain (RFC 2606), so no mail server would ever take it, and the
 * desk's outbox refuses to write to it (isDeliverable) until an agent sets one.
 */
export const NO_CUSTOMER_ADDRESS = 'unknown@invalid';

/** Whether mail to this address can reach anyone: not in the reserved `invalid` domain. */
export function isDeliverable(address: string): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return domain !== 'invalid' && !domain.endsWith('.invalid');
}

/** Splits at commas outside quotes, comments and angle brackets. */
function mailboxTexts(header: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let comment = 0;
  let angle = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (c === '\\' && (quoted || comment > 0)) {
      current += c + (header[++i] ?? '');
      continue;
    }
    if (quoted) quoted = c !== '"';
    else if (comment > 0) comment += c === '(' ? 1 : c === ')' ? -1 : 0;
    else if (c === '"') quoted = true;
    else if (c === '(') comment = 1;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if ((c === ',' || c === ';') && !angle) {
      out.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  out.push(current);
  return out.map((m) => m.trim()).filter((m) => m !== '');
}

function withoutComments(text: string): string {
  let out = '';
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth > 0) depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    else if (c === '(' && !quoted) depth = 1;
    else {
      if (c === '"') quoted = !quoted;
      out += c;
    }
  }
  return out.trim();
}

/** The address a mailbox's text holds as written: inside its angle brackets, else all of it. */
function writtenAddress(mailbox: string): string {
  let text = withoutComments(mailbox);
  // "Undisclosed recipients:" and other group names before their members.
  const group = /^(?:"[^"]*"|[^"<@:])*:(?!.*@.*:)/.exec(text);
  if (group && !text.startsWith('<')) text = text.slice(group[0].length).trim();
  const open = text.lastIndexOf('<');
  if (open < 0) return text;
  const close = text.indexOf('>', open);
  const inside = text.slice(open + 1, close < 0 ? undefined : close).trim();
  // An obsolete source route (`<@relay:user@host>`) is not part of the address.
  return inside.replace(/^@[^:]*:/, '');
}

/** Every address of an address header (its values as byte strings), checked against how it was written. */
export function readAddresses(values: readonly string[], hints: readonly string[]): ReadAddresses {
  const header = emptyHeaderText();
  const addresses: MailAddress[] = [];
  const unreadable: string[] = [];
  for (const raw of values) {
    const unicode = rawHeaderToUnicode(raw, hints, header);
    for (const mailbox of mailboxTexts(unicode)) {
      const written = writtenAddress(mailbox);
      if (written === '') continue;
      const parsed = addressparser(mailbox, { flatten: true }).find((p) => p.address?.trim() === written);
      if (!parsed || !isReadableAddress(written)) {
        unreadable.push(mailbox);
        continue;
      }
      addresses.push({ name: decodeEncodedWords(parsed.name ?? '', header).trim(), address: written });
    }
  }
  return { addresses, unreadable, header };
}
