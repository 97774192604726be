import { z } from 'zod';
import { CHANNELS, PRIORITIES, SLA_STATUSES, SUPPORT_LEVELS, TICKET_STATUSES } from '../workflows/ticket-types';

// The shapes of the API's 2xx answers, for /openapi.json (a client, or a
// fuzzer, checks answers against them) and for the tests that check the real
// answers. Loose objects: a field added later is not a broken promise.

const isoTime = z.string().describe('ISO 8601 time');
const id = z.string().regex(/^\d+$/).describe('a bigint id, as a string');

export const memo = z.looseObject({
  id,
  author: z.string(),
  status: z.enum(['draft', 'in_review', 'approved', 'rejected', 'sent']),
  createdAt: isoTime,
  reviewer: z.string().optional(),
  reviewComment: z.string().optional(),
  reviewedAt: isoTime.optional(),
  sentAt: isoTime.optional(),
});

/** TicketView (workflows/ticket-messages.ts): the ticket as it now stands. */
export const ticketView = z.looseObject({
  number: z.string().regex(/^\d+$/),
  status: z.enum(TICKET_STATUSES),
  queue: z.string().nullable(),
  owner: z.string().nullable(),
  priority: z.enum(PRIORITIES),
  supportLevel: z.enum(SUPPORT_LEVELS),
  channel: z.enum(CHANNELS),
  subject: z.string(),
  customer: z.looseObject({ email: z.string(), name: z.string().optional() }),
  createdAt: isoTime,
  updatedAt: isoTime,
  closedAt: isoTime.optional(),
  resolution: z.string().optional(),
  refersTo: z.string().optional(),
  spam: z.boolean(),
  suspect: z.looseObject({ score: z.number() }).optional(),
  memos: z.array(memo),
  counts: z.looseObject({ followUps: z.number().int(), phoneCalls: z.number().int(), articles: z.number().int(), refused: z.number().int() }),
  acknowledgedAt: isoTime.optional(),
  slaStatus: z.enum(SLA_STATUSES),
  nextDueAt: isoTime.optional(),
});

export const ticketWithMemo = ticketView.extend({ memoId: id });

/** What an integrator gets instead of the ticket (api/ticket-routes.ts shownTo). */
const intakeReceipt = z.strictObject({ number: z.string().regex(/^\d+$/), status: z.enum(TICKET_STATUSES), createdAt: isoTime, articleId: id.optional() });

/** The desk's roles get the ticket, integrators its receipt. */
export const ticketOrReceipt = z.union([ticketView, intakeReceipt]);

export const ticketList = z.looseObject({ tickets: z.array(ticketView) });

export const attachment = z.looseObject({
  position: z.number().int().min(1),
  filename: z.string().nullable(),
  contentType: z.string(),
  size: z.number().int().min(0),
  sha256: z.string(),
  inline: z.boolean(),
});

/** One row of db/articles.ts articlesOf. */
export const article = z.looseObject({
  id,
  kind: z.enum(['inquiry', 'follow_up', 'phone_call', 'memo', 'receipt_notice', 'answer', 'notice', 'note']),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  channel: z.string(),
  author: z.string().nullable(),
  subject: z.string().nullable(),
  body: z.string(),
  from_address: z.string().nullable(),
  to_addresses: z.array(z.string()).nullable(),
  cc_addresses: z.array(z.string()).nullable(),
  message_id: z.string().nullable(),
  refused_reason: z.string().nullable(),
  created_at: isoTime,
  spam_score: z.number().nullable(),
  spam_outcome: z.string().nullable(),
  spam_clues: z.array(z.looseObject({ token: z.string(), probability: z.number() })).nullable(),
  mail_problems: z.array(z.string()).nullable(),
  attachments: z.array(attachment),
});

export const articlePage = z.looseObject({
  articles: z.array(article),
  next: id.nullable().describe('pass as ?after= for the next page; null when this page is the last'),
});

export const slaReport = z.looseObject({
  asOf: isoTime,
  status: z.enum(SLA_STATUSES),
  priority: z.string(),
  calendar: z.string().optional(),
  clocks: z.array(
    z.looseObject({
      clock: z.string(),
      state: z.enum(['running', 'paused', 'stopped', 'met', 'breached']),
      dueAt: isoTime.optional(),
      warnAt: isoTime.optional(),
      businessMsLeft: z.number(),
      budgetMs: z.number(),
      warned: z.boolean(),
      breached: z.boolean(),
    }),
  ),
});

export const intakeOutcome = z.looseObject({
  outcome: z.enum(['ticket', 'follow-up', 'spam', 'ignored']),
  number: z.string().optional(),
  reason: z.string().optional(),
});

export const spamTrained = z.looseObject({ key: z.string(), verdict: z.enum(['spam', 'ham']), outcome: z.enum(['learned', 'unchanged', 'moved']) });

export const auditEntries = z.looseObject({
  entries: z.array(
    z.looseObject({
      id,
      at: isoTime,
      user_name: z.string().nullable(),
      role: z.string().nullable(),
      ip: z.string().nullable(),
      method: z.string(),
      path: z.string(),
      action: z.string(),
      ticket_number: z.string().nullable(),
      status: z.number().int(),
      outcome: z.string(),
    }),
  ),
});

/** db/similar-tickets.ts similarTickets: closed tickets like this one, best first. */
export const similarTickets = z.looseObject({
  similar: z.array(
    z.looseObject({
      number: z.string().regex(/^\d+$/),
      subject: z.string(),
      score: z.number(),
      terms: z.array(z.string()),
      closedAt: isoTime.nullable(),
      resolution: z.string().nullable(),
      records: z.array(z.looseObject({ id, symptom: z.string() })).describe('the published knowledge records linked to that ticket'),
    }),
  ),
});

const recordStatus = z.enum(['draft', 'in_review', 'published', 'rejected']);
const ticketNumber = z.string().regex(/^\d+$/);
const recordFields = {
  symptom: z.string(),
  cause: z.string(),
  fix: z.string(),
  product: z.string().nullable(),
  version: z.string().nullable(),
  keywords: z.array(z.string()),
  public: z.boolean(),
  ticketNumbers: z.array(ticketNumber),
};

/** lib/knowledge/record-rules.ts KnowledgeRecord: what the desk learnt, and where it stands. */
export const knowledgeRecord = z.looseObject({
  id,
  status: recordStatus,
  ...recordFields,
  author: z.string(),
  reviewer: z.string().nullable(),
  reviewComment: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  submittedAt: isoTime.nullable(),
  reviewedAt: isoTime.nullable(),
});

/** GET /api/knowledge: with `q`, best first, each with its score and the shared terms. */
export const knowledgeRecordList = z.looseObject({
  records: z.array(knowledgeRecord.extend({ score: z.number().optional(), terms: z.array(z.string()).optional() })),
});

/** GET /api/tickets/:number/knowledge-draft: a record's fields prefilled from the ticket. */
export const knowledgeDraft = z.looseObject(recordFields);
