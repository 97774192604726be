// The intake's decoded mail → the spam tokenizer's input, so a mail is decoded
// once (by our MIME walker, with its Japanese charset handling) and not again
// by mailparser. Training (API, seeding command) goes through the same adapter,
// so the tokens the filter learns are the tokens it later scores.

import type { DecodedMail, MailAddress } from '../mail/decode';
import { emptyHeaderText, rawHeaderToUnicode } from '../mail/header-words';
import { storableMail } from '../mail/storable-text';
import type { MessageForTokens } from './tokenize';

export function messageForTokens(mail: DecodedMail): MessageForTokens {
  // Tokens end up in PostgreSQL (the word list, an article's clues): learnt and scored from the same storable text.
  const stored = storableMail(mail).mail;
  // The body's own HTML, kept as a file for the agent, is the body: the filter reads it as `html`, not as an attachment.
  const decoded = { ...stored, attachments: stored.attachments.filter((a) => !a.bodyHtml) };
  return {
    subject: decoded.subject,
    from: addressText(decoded.from),
    replyTo: addressText(decoded.replyTo[0] ?? null),
    text: decoded.text,
    ...(decoded.html !== undefined ? { html: decoded.html } : {}),
    contentTypes: contentTypes(decoded),
    charsets: decoded.charsets,
    attachments: decoded.attachments.map((a) => ({ filename: a.filename ?? undefined, contentType: a.contentType })),
    headers: headerLines(decoded),
  };
}

function addressText(address: MailAddress | null): string | undefined {
  if (!address) return undefined;
  return address.name ? `${address.name} <${address.address}>` : address.address;
}

/**
 * DecodedMail keeps the top-level headers, not the MIME tree: the message's own
 * type, the body types it has, and each attachment's type stand in for the
 * tree's part types (nested multipart containers are not seen).
 */
function contentTypes(decoded: DecodedMail): string[] {
  const types = new Set<string>();
  const top = decoded.headers.get('content-type')?.[0];
  types.add(top ? top.split(';')[0].trim().toLowerCase() || 'text/plain' : 'text/plain');
  if (decoded.html !== undefined) types.add('text/html');
  // Without a plain part decodeMail reduces the HTML to text: that text is no text/plain part.
  if (decoded.text && (decoded.html === undefined || types.has('multipart/alternative'))) types.add('text/plain');
  for (const attachment of decoded.attachments) types.add(attachment.contentType.toLowerCase());
  return [...types];
}

/**
 * Every header line, raw 8-bit text (Japanese mailers) turned into Unicode
 * with the message's charsets; encoded words stay as written, as mailparser's
 * header lines have them.
 */
function headerLines(decoded: DecodedMail): { name: string; value: string }[] {
  const lines: { name: string; value: string }[] = [];
  for (const [name, values] of decoded.headers) {
    for (const value of values) lines.push({ name, value: rawHeaderToUnicode(value, decoded.charsets, emptyHeaderText()) });
  }
  return lines;
}
