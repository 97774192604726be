// Decoded mail text → text PostgreSQL can store. PostgreSQL's text and jsonb
// refuse NUL (U+0000: `invalid byte sequence for encoding "UTF8": 0x00`), and an
// unpaired UTF-16 surrogate has no UTF-8 form at all (jsonb refuses its escape;
// as text it would silently turn into U+FFFD). A mail carrying them must still
// become an article, so they are removed here, each removal is named for the
// agent, and the raw message keeps the original bytes.

import type { DecodedMail, MailAddress, MailAttachment, RawHeaders } from './decode';

// NUL, a high surrogate not followed by a low one, a low surrogate not preceded by a high one.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const MAYBE_UNSTORABLE = /[\u0000\ud800-\udfff]/;

export interface StorableText {
  text: string;
  /** NUL characters removed. */
  nul: number;
  /** Unpaired surrogates removed. */
  surrogates: number;
}

/** The text without what PostgreSQL cannot store, and how much of it there was. */
export function storableText(text: string): StorableText {
  // Nearly every text has neither: one quick scan, no copy.
  if (!MAYBE_UNSTORABLE.test(text)) return { text, nul: 0, surrogates: 0 };
  let nul = 0;
  let surrogates = 0;
  const cleaned = text.replace(UNSTORABLE, (c) => {
    if (c === '\u0000') nul++;
    else surrogates++;
    return '';
  });
  return { text: cleaned, nul, surrogates };
}

export interface StorableMail {
  /** The same mail with every text field storable. */
  mail: DecodedMail;
  /** One line per field something was removed from, for the article's mail_problems. */
  removed: string[];
}

function removal(field: string, nul: number, surrogates: number): string {
  const what = [
    ...(nul ? [`${nul} NUL character${nul === 1 ? '' : 's'} (U+0000)`] : []),
    ...(surrogates ? [`${surrogates} unpaired UTF-16 surrogate${surrogates === 1 ? '' : 's'}`] : []),
  ].join(' and ');
  return `${field}: ${what} removed, which PostgreSQL cannot store; the raw message keeps the original bytes`;
}

/**
 * The decoded mail with NUL and unpaired surrogates removed from everything the
 * intake stores or derives stored text from: subject, body text and HTML,
 * addresses and names, threading headers, every header name and value,
 * attachment names, types and ids, charset names. `removed` says what was
 * removed where; the mail's own `problems` are carried over (cleaned too).
 */
export function storableMail(decoded: DecodedMail): StorableMail {
  // Per field, in the order first met: a field with several values (References, Received) is one line.
  const counts = new Map<string, { nul: number; surrogates: number }>();
  const clean = (field: string, text: string): string => {
    const result = storableText(text);
    if (result.nul || result.surrogates) {
      const count = counts.get(field) ?? { nul: 0, surrogates: 0 };
      counts.set(field, { nul: count.nul + result.nul, surrogates: count.surrogates + result.surrogates });
    }
    return result.text;
  };
  const cleanOrNull = (field: string, text: string | null) => (text === null ? null : clean(field, text));
  const address = (field: string) => (a: MailAddress, i: number, all: MailAddress[]): MailAddress => {
    const label = all.length > 1 ? `${field} ${i + 1}` : field;
    return { name: clean(`${label} name`, a.name), address: clean(`${label} address`, a.address) };
  };
  const attachment = (a: MailAttachment, i: number): MailAttachment => ({
    ...a,
    filename: cleanOrNull(`attachment ${i + 1} file name`, a.filename),
    contentType: clean(`attachment ${i + 1} content type`, a.contentType),
    ...(a.contentId !== undefined ? { contentId: clean(`attachment ${i + 1} Content-ID`, a.contentId) } : {}),
  });

  const mail: DecodedMail = {
    ...decoded,
    subject: clean('subject', decoded.subject),
    from: decoded.from ? address('From')(decoded.from, 0, [decoded.from]) : null,
    replyTo: decoded.replyTo.map(address('Reply-To')),
    to: decoded.to.map(address('To')),
    cc: decoded.cc.map(address('Cc')),
    messageId: cleanOrNull('Message-ID', decoded.messageId),
    inReplyTo: cleanOrNull('In-Reply-To', decoded.inReplyTo),
    references: decoded.references.map((id) => clean('References', id)),
    date: cleanOrNull('date', decoded.date),
    text: clean('body text', decoded.text),
    ...(decoded.html !== undefined ? { html: clean('HTML body', decoded.html) } : {}),
    attachments: decoded.attachments.map(attachment),
    charsets: decoded.charsets.map((name) => clean('charset name', name)),
    headers: storableHeaders(decoded.headers, clean),
    // Our own words; they quote raw bytes escaped, but nothing unstorable may pass either way.
    problems: decoded.problems.map((p) => storableText(p).text),
  };
  const removed = [...counts].map(([field, count]) => removal(field, count.nul, count.surrogates));
  return { mail, removed };
}

function storableHeaders(headers: RawHeaders, clean: (field: string, text: string) => string): RawHeaders {
  let dirty = false;
  for (const [name, values] of headers) if (MAYBE_UNSTORABLE.test(name) || values.some((v) => MAYBE_UNSTORABLE.test(v))) dirty = true;
  if (!dirty) return headers;
  const result: RawHeaders = new Map();
  for (const [rawName, values] of headers) {
    const name = clean(`header name ${JSON.stringify(rawName)}`, rawName);
    const cleaned = values.map((value) => clean(`header ${name}`, value));
    result.set(name, [...(result.get(name) ?? []), ...cleaned]);
  }
  return result;
}
