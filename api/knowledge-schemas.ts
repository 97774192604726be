import { z } from 'zod';
import { MAX_RECORD_TEXT } from '../lib/knowledge/draft';
import { RECORD_STATUSES } from '../lib/knowledge/record-rules';
import { safeString } from './ticket-schemas';

// The bodies and queries of the knowledge record routes (api/knowledge-routes.ts).
// Every string through safeString: NUL, lone surrogates and control characters
// are a 400 naming the field; CR/LF only in the texts that run over lines.

/** Symptom, cause, fix, review comment: several lines. */
const lines = (min: number) => safeString(undefined, { lines: true }).trim().min(min).max(MAX_RECORD_TEXT);
/** Product, version, one keyword: one line each. */
const line = (max: number) => safeString().trim().min(1).max(max);
const ticketNumber = () => safeString(z.string().regex(/^\d{1,20}$/, 'a ticket number (digits)'));

/** What the author writes; a reviewer may correct the same fields while approving. */
const recordFields = {
  symptom: lines(1),
  cause: lines(0),
  fix: lines(0),
  product: line(200).nullable(),
  version: line(100).nullable(),
  keywords: z.array(line(100)).max(50),
  public: z.boolean(),
};

const edits = z
  .object(recordFields)
  .partial()
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'name at least one of symptom, cause, fix, product, version, keywords, public' });

export const newRecordBody = z.object({
  ...recordFields,
  cause: recordFields.cause.default(''),
  fix: recordFields.fix.default(''),
  product: recordFields.product.default(null),
  version: recordFields.version.default(null),
  keywords: recordFields.keywords.default([]),
  public: recordFields.public.default(false),
  /** The tickets the record comes from. */
  ticketNumbers: z.array(ticketNumber()).min(1).max(50),
});

export const recordEditBody = edits;

export const recordReviewBody = z
  .object({ decision: z.enum(['approve', 'reject']), comment: lines(0).optional(), edits: edits.optional() })
  .refine((b) => b.decision === 'approve' || b.comment, { message: 'a rejection needs a comment', path: ['comment'] })
  .refine((b) => b.decision === 'approve' || !b.edits, { message: 'only an approval carries edits', path: ['edits'] });

export const linkTicketBody = z.object({ number: ticketNumber() });

export const recordSearchQuery = z.object({
  q: safeString().trim().max(500).optional(),
  status: z.enum(RECORD_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
