import { z } from 'zod';
import { CHANNELS, PRIORITIES, SUPPORT_LEVELS, TICKET_STATUSES, SLA_STATUSES } from '../workflows/ticket-types';

// The request bodies of the ticket API. They validate requests and, through
// z.toJSONSchema, describe them in /openapi.json.

/** No CR or LF: these values end up in mail headers. */
const headerSafe = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\r\n]/.test(s), 'must be one line (no CR or LF)');

const text = (max: number) => z.string().trim().min(1).max(max);

export const newTicketBody = z.object({
  customer: z.object({ email: z.email().refine((s) => !/[\r\n]/.test(s)), name: headerSafe(200).optional() }),
  subject: headerSafe(500),
  body: text(1_000_000),
  priority: z.enum(PRIORITIES).default('P3'),
  channel: z.enum(['phone', 'web']).default('phone'),
});

export const queueBody = z.object({ queue: headerSafe(100) });
export const emptyBody = z.object({}).strict();
export const memoBody = z.object({ body: text(1_000_000) });
export const reviewBody = z
  .object({ decision: z.enum(['approve', 'reject']), comment: text(10_000).optional() })
  .refine((b) => b.decision === 'approve' || b.comment, { message: 'a rejection needs a comment', path: ['comment'] });
export const answerBody = z.object({ memoId: z.string().regex(/^\d+$/, 'a memo id from POST /memos') });
export const followUpBody = z.object({ channel: z.enum(CHANNELS), body: text(1_000_000) });
export const phoneCallBody = z.object({ direction: z.enum(['inbound', 'outbound']), body: text(1_000_000) });
export const priorityBody = z.object({ priority: z.enum(PRIORITIES) });
export const ownerBody = z.object({ owner: headerSafe(100) });
export const escalateBody = z.object({ level: z.enum(SUPPORT_LEVELS), reason: text(10_000) });
export const closeBody = z.object({ resolution: text(100_000) });

export const ticketListQuery = z.object({
  status: z.enum(TICKET_STATUSES).optional(),
  queue: z.string().optional(),
  owner: z.string().optional(),
  level: z.enum(SUPPORT_LEVELS).optional(),
  slaStatus: z.enum(SLA_STATUSES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const auditQuery = z.object({
  user: z.string().optional(),
  ticket: z.string().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
