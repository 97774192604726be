// Mail the intake must not turn into tickets or follow-ups: our own answers coming back
// through a customer's mailing list, auto-replies (vacation notices and the like), and
// delivery-status reports. A bounce is still worth something: the caller attaches it to
// the ticket of the message that bounced, so we dig out that message's Message-ID.
//
// Bulk and list mail is not an auto-reply: a customer's announcement list, a
// newsletter, a post to a list the desk is on were written by a person (or for
// people) and may need an answer, so they become tickets, flagged (bulkMailNotice).
// RFC 3834 says what marks a reply as automatic: Auto-Submitted other than "no",
// and in practice X-Autoreply, X-Autorespond, Precedence: auto_reply and the
// subjects vacation programs write.

import { decodeHeaderValue } from '../mail/header-words';

/** Set on every mail we send, so it is recognisable when a mailing list hands it back to us. */
export const HELPDESK_TICKET_HEADER = 'X-Helpdesk-Ticket';

/** Header name → raw (unfolded) values; names in any case. decodeMail's `headers` fits. */
export type MailHeaders =
  | ReadonlyMap<string, readonly string[]>
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface OurMailIdentity {
  /** The desk's own addresses (support@…). Mail From one of them is ours. */
  supportAddresses: readonly string[];
  /** Domains we put in our Message-IDs (`<…@helpdesk.example.co.jp>`); subdomains count too. */
  messageIdDomains: readonly string[];
}

export type IgnoreReason =
  | { kind: 'own-mail'; evidence: string }
  | { kind: 'auto-reply'; evidence: string }
  | { kind: 'bounce'; evidence: string; originalMessageId: string | null };

function headerValues(headers: MailHeaders, name: string): string[] {
  const wanted = name.toLowerCase();
  const entries: Iterable<[string, unknown]> =
    headers instanceof Map ? headers.entries() : Object.entries(headers as Record<string, unknown>);
  const values: string[] = [];
  for (const [key, value] of entries) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) values.push(String(v).replace(/\r?\n[ \t]+/g, ' ').trim());
  }
  return values;
}

function firstHeader(headers: MailHeaders, name: string): string | null {
  return headerValues(headers, name)[0] ?? null;
}

/** The bare address of a From-style header value: `"Name" <a@b>` → a@b. */
function addressOf(value: string): string | null {
  const bracketed = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value) ?? /<([^<>\s]+@[^<>\s]+)>/.exec(value);
  if (bracketed) return bracketed[1].toLowerCase();
  const bare = /([^\s<>"(),;:]+@[^\s<>"(),;:]+)/.exec(value);
  return bare ? bare[1].toLowerCase() : null;
}

function messageIdDomain(messageId: string): string | null {
  const match = /@([^@>\s]+)>?\s*$/.exec(messageId.trim());
  return match ? match[1].toLowerCase() : null;
}

function inDomain(domain: string, ours: string): boolean {
  const d = ours.toLowerCase();
  return domain === d || domain.endsWith(`.${d}`);
}

/** Content-Type's media type and its report-type parameter, lower case. */
function contentTypeOf(headers: MailHeaders): { type: string; reportType: string | null } {
  const value = firstHeader(headers, 'content-type') ?? '';
  const type = value.split(';')[0].trim().toLowerCase();
  const report = /;\s*report-type\s*=\s*"?([^";\s]+)/i.exec(value);
  return { type, reportType: report ? report[1].toLowerCase() : null };
}

function isDeliveryStatusReport(headers: MailHeaders): string | null {
  const { type, reportType } = contentTypeOf(headers);
  if (type === 'multipart/report' && reportType === 'delivery-status') return 'multipart/report; report-type=delivery-status';
  const from = addressOf(firstHeader(headers, 'from') ?? '');
  if (from && /^mailer-daemon@/i.test(from)) return `From: ${from}`;
  return null;
}

function ownMailEvidence(headers: MailHeaders, ours: OurMailIdentity): string | null {
  const ticketHeader = firstHeader(headers, HELPDESK_TICKET_HEADER);
  if (ticketHeader !== null) return `${HELPDESK_TICKET_HEADER}: ${ticketHeader}`;
  const messageId = firstHeader(headers, 'message-id');
  const domain = messageId ? messageIdDomain(messageId) : null;
  if (domain && ours.messageIdDomains.some((d) => inDomain(domain, d))) return `Message-ID: ${messageId}`;
  const from = addressOf(firstHeader(headers, 'from') ?? '');
  if (from && ours.supportAddresses.some((a) => a.toLowerCase() === from)) return `From: ${from}`;
  return null;
}

// X-Auto-Response-Suppress lists what the sender does not want answered. Exchange puts
// "All"/"OOF"/"AutoReply" on its own automatic mail; plain Outlook mail does not carry them.
const SUPPRESSING_AUTOMATIC = /\b(all|oof|autoreply)\b/i;

/**
 * Subjects that vacation programs and out-of-office replies write: the phrase at the
 * start, then a colon, a closing bracket or nothing ("Automatic reply: …", "【自動返信】…",
 * "不在通知"). A customer asking about their own auto-reply ("Autoreply does not work") has none of these.
 */
const AUTO_REPLY_SUBJECT = new RegExp(
  '^\\s*[\\[【(（]?\\s*(?:' +
    [
      'out of (?:the )?office(?: auto ?reply)?', 'automatic reply', 'auto(?:matic)?[- ]?(?:reply|response)', 'vacation(?: reply| notice| message)?',
      'abwesenheitsnotiz', 'automatische antwort', 'r[ée]ponse automatique', 'absence du bureau', 'risposta automatica',
      'respuesta autom[áa]tica', 'fuera de la oficina', 'automatisch antwoord', 'autosvar',
      '自動応答', '自動返信', '自動返答', '不在通知', '不在のお知らせ', '休暇のお知らせ', '자동 응답', '自动回复',
    ].join('|') +
    ')\\s*(?:[:：\\]】)）]|$)',
  'i',
);

function autoReplyEvidence(headers: MailHeaders): string | null {
  const autoSubmitted = firstHeader(headers, 'auto-submitted');
  if (autoSubmitted !== null) {
    const keyword = autoSubmitted.replace(/\(.*?\)/g, '').split(';')[0].trim().toLowerCase();
    if (keyword !== 'no' && keyword !== '') return `Auto-Submitted: ${autoSubmitted}`;
  }
  const suppress = firstHeader(headers, 'x-auto-response-suppress');
  if (suppress !== null && SUPPRESSING_AUTOMATIC.test(suppress)) return `X-Auto-Response-Suppress: ${suppress}`;
  const precedence = (firstHeader(headers, 'precedence') ?? '').toLowerCase();
  if (precedence === 'auto_reply') return `Precedence: ${precedence}`;
  for (const name of ['X-Autoreply', 'X-Autorespond']) {
    const value = firstHeader(headers, name);
    if (value !== null && !/^(no|false|0)$/i.test(value)) return `${name}: ${value}`;
  }
  const { type, reportType } = contentTypeOf(headers);
  if (type === 'multipart/report' && reportType === 'disposition-notification') return 'read receipt (disposition-notification)';
  const subject = decodeHeaderValue(firstHeader(headers, 'subject') ?? '').text.trim();
  if (AUTO_REPLY_SUBJECT.test(subject)) return `Subject: ${subject}`;
  return null;
}

const BULK_PRECEDENCE = new Set(['bulk', 'list', 'junk']);
const LIST_HEADERS = ['List-Id', 'List-Unsubscribe', 'List-Post', 'X-ML-Name', 'Mailing-List', 'X-Mailing-List'];

/**
 * A mail that is still a customer's but was sent to many (Precedence: bulk/list/junk,
 * a list's headers), in the words its article's problems say it: `bulk mail (Precedence: bulk)`.
 * Null for a mail sent to the desk alone.
 */
export function bulkMailNotice(headers: MailHeaders): string | null {
  const precedence = (firstHeader(headers, 'precedence') ?? '').trim().toLowerCase();
  if (BULK_PRECEDENCE.has(precedence)) return `bulk mail (Precedence: ${precedence}): sent to many, may need no answer`;
  for (const name of LIST_HEADERS) {
    const value = firstHeader(headers, name);
    if (value !== null) return `list mail (${name}: ${value}): sent to many, may need no answer`;
  }
  return null;
}

/**
 * Why this mail is not a customer's message, or null when it is.
 * `raw` (the whole message) is only read for bounces, to find the bounced message's Message-ID.
 */
export function classifyIgnorable(headers: MailHeaders, ours: OurMailIdentity, raw?: Buffer | string): IgnoreReason | null {
  // Bounces first: they usually also say Auto-Submitted, and may come from our own domain.
  const bounce = isDeliveryStatusReport(headers);
  if (bounce) return { kind: 'bounce', evidence: bounce, originalMessageId: raw ? bouncedMessageId(raw) : null };
  const own = ownMailEvidence(headers, ours);
  if (own) return { kind: 'own-mail', evidence: own };
  const auto = autoReplyEvidence(headers);
  if (auto) return { kind: 'auto-reply', evidence: auto };
  return null;
}

const BLANK_LINE = /\r?\n\r?\n/;
const RETURNED_PART = /^content-type:[ \t]*(?:text\/rfc822-headers|message\/rfc822)\b/im;
const MESSAGE_ID_LINE = /^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^>\r\n]+>|[^\s<>]+@[^\s<>]+)/im;

/** The part headers of the returned message start after the part's own header block. */
function returnedHeaders(text: string): string | null {
  const partStart = RETURNED_PART.exec(text);
  if (!partStart) return null;
  const afterType = text.slice(partStart.index);
  const partHeaderEnd = BLANK_LINE.exec(afterType);
  if (!partHeaderEnd) return null;
  const partHeaders = afterType.slice(0, partHeaderEnd.index);
  let content = afterType.slice(partHeaderEnd.index + partHeaderEnd[0].length);
  if (/^content-transfer-encoding:[ \t]*base64/im.test(partHeaders)) {
    const base64 = content.split(/\r?\n\r?\n|\r?\n--/)[0];
    content = Buffer.from(base64.replace(/\s+/g, ''), 'base64').toString('latin1');
  }
  const end = BLANK_LINE.exec(content);
  return end ? content.slice(0, end.index) : content;
}

/**
 * The Message-ID of the message a bounce returns, from its text/rfc822-headers or
 * message/rfc822 part, or (old text-only bounces) from a quoted header in the body.
 */
export function bouncedMessageId(raw: Buffer | string): string | null {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  const headerEnd = BLANK_LINE.exec(text);
  if (!headerEnd) return null;
  const body = text.slice(headerEnd.index + headerEnd[0].length);
  const returned = returnedHeaders(body);
  const match = (returned !== null ? MESSAGE_ID_LINE.exec(returned) : null) ?? MESSAGE_ID_LINE.exec(body);
  if (!match) return null;
  const id = match[1].trim();
  return id.startsWith('<') ? id : `<${id}>`;
}
