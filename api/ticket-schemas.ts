import { z } from 'zod';
import { stringProblem } from '../workflows/text-rules';
import { CHANNELS, PRIORITIES, SUPPORT_LEVELS, TICKET_STATUSES, SLA_STATUSES } from '../workflows/ticket-types';

// The request bodies, queries and path parameters of the API. They validate
// requests and, through z.toJSONSchema, describe them in /openapi.json.

/** The same rule for /openapi.json, so that a client (or a fuzzer) knows it. */
const ONE_LINE_PATTERN = '^[^\\u0000-\\u0008\\u000A-\\u001F\\u007F-\\u009F]*$';
const LINES_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$';

/**
 * What jams a ticket, refused: NUL (PostgreSQL cannot store it in text), a
 * surrogate standing alone (not Unicode: no encoder can write it), and every
 * other C0/C1 control character, except tab, and CR/LF where `lines` allows
 * them (the multi-line texts: inquiry, memo, follow-up and call bodies,
 * resolution, review comment). Every string the API takes goes through this
 * one helper: bodies, queries, path parameters, the Idempotency-Key header.
 *
 * Without `base` it starts a plain string, checked before trimming (a leading
 * control is refused, not trimmed away); with `base` (an email, a date, an id
 * pattern) the check is added to that schema.
 */
export function safeString(base?: undefined, options?: { lines?: boolean }): z.ZodString;
export function safeString<T extends z.ZodType<string>>(base: T, options?: { lines?: boolean }): T;
export function safeString<T extends z.ZodType<string>>(base?: T, options: { lines?: boolean } = {}): T {
  const lines = options.lines ?? false;
  const schema = (base ?? z.string().meta({ pattern: lines ? LINES_PATTERN : ONE_LINE_PATTERN })) as T;
  return schema.superRefine((value, ctx) => {
    const problem = stringProblem(value, lines);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }) as T;
}


/** One line: these values end up in mail headers. */
const headerSafe = (max: number) => safeString().trim().min(1).max(max);
/** One line of free text. */
const text = (max: number) => safeString().trim().min(1).max(max);
/** Text that may run over several lines. */
const lines = (max: number) => safeString(undefined, { lines: true }).trim().min(1).max(max);
const digits = (max: number, what: string) => safeString(z.string().regex(new RegExp(`^\\d{1,${max}}$`), what));

/** A ticket's parties (accounts, contacts, end customer; api/customer-schemas.ts uses them too). */
export const partyAddress = () => safeString(z.email()).max(254);
export const accountIdField = () => z.union([digits(18, 'an account id'), z.number().int().positive()]).transform(String);
export const partyFields = {
  requester: z.object({ email: partyAddress(), name: headerSafe(200).optional() }),
  endCustomer: z.object({ name: text(300).optional(), organisation: text(300).optional() }),
  partnerTicketNumber: headerSafe(200),
  cc: z.array(partyAddress()).max(50),
};

export const newTicketBody = z.object({
  customer: z.object({ email: safeString(z.email()), name: headerSafe(200).optional() }),
  subject: headerSafe(500),
  body: lines(1_000_000),
  priority: z.enum(PRIORITIES).default('P3'),
  channel: z.enum(['phone', 'web']).default('phone'),
  /** The desk's id (DESKS_FILE); unset: the default desk. */
  desk: deskIdField().optional(),
  requester: partyFields.requester.optional(),
  account: accountIdField().optional(),
  endCustomer: partyFields.endCustomer.optional(),
  partnerTicketNumber: partyFields.partnerTicketNumber.optional(),
  cc: partyFields.cc.optional(),
});

function deskIdField() {
  return z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a desk id, like "oss"');
}

export const queueBody = z.object({ queue: headerSafe(100) });
export const emptyBody = z.object({}).strict();
export const memoBody = z.object({ body: lines(1_000_000) });
export const reviewBody = z
  .object({ decision: z.enum(['approve', 'reject']), comment: lines(10_000).optional() })
  .refine((b) => b.decision === 'approve' || b.comment, { message: 'a rejection needs a comment', path: ['comment'] });
export const answerBody = z.object({ memoId: digits(18, 'a memo id from POST /memos') });
export const followUpBody = z.object({ channel: z.enum(CHANNELS), body: lines(1_000_000) });
export const phoneCallBody = z.object({ direction: z.enum(['inbound', 'outbound']), body: lines(1_000_000) });
export const priorityBody = z.object({ priority: z.enum(PRIORITIES) });
export const ownerBody = z.object({ owner: headerSafe(100) });
export const escalateBody = z.object({ level: z.enum(SUPPORT_LEVELS), reason: text(10_000) });
export const closeBody = z.object({ resolution: lines(100_000) });

export const ticketListQuery = z.object({
  status: z.enum(TICKET_STATUSES).optional(),
  queue: safeString().max(100).optional(),
  owner: safeString().max(100).optional(),
  level: z.enum(SUPPORT_LEVELS).optional(),
  slaStatus: z.enum(SLA_STATUSES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  partnerTicketNumber: safeString().max(200).optional(),
  account: digits(18, 'an account id').optional(),
  desk: deskIdField().optional(),
  accountUncertain: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** GET /api/tickets/:number/articles: pages of `limit`, after the article `after` (the previous page's `next`). */
export const articleListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: digits(18, 'an article id (the previous page\'s "next")').optional(),
});

export const isoTime = () => safeString(z.iso.datetime({ offset: true }));

export const auditQuery = z.object({
  user: safeString().max(200).optional(),
  ticket: safeString().max(40).optional(),
  from: isoTime().optional(),
  to: isoTime().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/**
 * The path parameters routes use, by name. A value with a control character
 * is a 400 naming the parameter; a clean value of the wrong shape names
 * nothing that exists: 404 (and never reaches PostgreSQL or Temporal, where
 * a 30-digit id or a 5,000-character ticket number would be an error).
 */
export const PATH_PARAMETERS: Record<string, { pattern: RegExp; description: string; notFound: string }> = {
  number: { pattern: /^\d{1,20}$/, description: 'a ticket number (digits)', notFound: 'no such ticket' },
  id: { pattern: /^\d{1,18}$/, description: 'an article id (digits)', notFound: 'no such article' },
  n: { pattern: /^[1-9]\d{0,8}$/, description: "an attachment's position, from 1", notFound: 'no such attachment' },
  memoId: { pattern: /^\d{1,18}$/, description: 'a memo id (digits)', notFound: 'no such memo' },
  accountId: { pattern: /^\d{1,18}$/, description: 'an account id (digits)', notFound: 'no such account' },
  contactId: { pattern: /^\d{1,18}$/, description: 'a contact id (digits)', notFound: 'no such contact' },
};
