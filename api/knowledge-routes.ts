// Knowledge records: on resolution the desk writes down what it learnt
// (symptom, cause, fix, product/version, keywords), a second person reviews
// it, and published records are found by search and beside similar tickets.
// The records live in PostgreSQL, not in a ticket's workflow: a record
// outlives its tickets and gathers later ones. Their rules are pure
// (lib/knowledge/record-rules.ts); db/knowledge-records.ts applies them under
// a row lock.
//
// Search: each record's terms (the similar-tickets tokenizer,
// lib/similar/terms.ts) are stored in a text[] with a GIN index, written when
// the record changes, so a query reads only the records sharing one of its
// terms instead of cutting every record's text on every search; the few
// records found are ranked by plain term overlap (lib/knowledge/record-terms.ts
// says why no BM25).
import { changeRecord, createRecord, knowledgeDraft, linkTicket, recordById, searchRecords, type RecordOutcome } from '../db/knowledge-records';
import type { KnowledgeRecord } from '../lib/knowledge/record-rules';
import type { ApiDeps } from './env';
import { badRequest, notFound, Problem, refused } from './problem';
import * as responses from './response-schemas';
import { ROLE_GROUPS } from './role-groups';
import type { RouteBook } from './route-book';
import * as schema from './knowledge-schemas';
import { rethrowDatabase } from './ticket-gateway';
import { emptyBody } from './ticket-schemas';

/**
 * The desk reads, drafts, links and reviews records; integrators do none of
 * it. Of the desk only reviewers and managers decide, which the rules check
 * (403) after the author check (409), so an author hears that someone else
 * decides, whatever their role.
 */
const { desk: DESK } = ROLE_GROUPS;

/** The record, or the refusal as the API answers it. */
function recordOrProblem(outcome: RecordOutcome): KnowledgeRecord {
  if (outcome.ok) return outcome.record;
  if (outcome.kind === 'not-found') throw notFound(outcome.reason);
  if (outcome.kind === 'role') throw new Problem(403, 'Forbidden', outcome.reason);
  if (outcome.kind === 'input') throw badRequest(outcome.reason);
  throw refused(outcome.reason);
}

const theRecord = { description: 'the record as it now stands', schema: responses.knowledgeRecord };

export function knowledgeRoutes(book: RouteBook, deps: ApiDeps): void {
  const { db } = deps;

  book.add(
    { method: 'get', path: '/api/tickets/:number/knowledge-draft', action: 'knowledge.draftFromTicket', summary: 'Prefill a knowledge record from a ticket', roles: DESK, responses: { 200: { description: 'symptom from the subject and first inquiry, fix from the last answer and the resolution', schema: responses.knowledgeDraft } } },
    async ({ c, params }) => {
      const draft = await knowledgeDraft(db, params.number).catch(rethrowDatabase);
      if (!draft) throw notFound(`ticket ${params.number} not found`);
      return c.json(draft);
    },
  );

  book.add(
    { method: 'post', path: '/api/knowledge', action: 'knowledge.create', summary: 'Write a knowledge record (a draft)', roles: DESK, body: schema.newRecordBody, responses: { 201: { description: 'the new draft', schema: responses.knowledgeRecord } } },
    async ({ c, actor, body }) => {
      const { ticketNumbers, ...fields } = body;
      return c.json(recordOrProblem(await createRecord(db, actor.user, fields, ticketNumbers).catch(rethrowDatabase)), 201);
    },
  );

  book.add(
    { method: 'get', path: '/api/knowledge', action: 'knowledge.list', summary: 'List or search knowledge records', roles: DESK, query: schema.recordSearchQuery, responses: { 200: { description: 'newest first; with q, published records (unless status is named) sharing its terms, best first', schema: responses.knowledgeRecordList } } },
    async ({ c, query }) => c.json({ records: await searchRecords(db, query).catch(rethrowDatabase) }),
  );

  book.add(
    { method: 'get', path: '/api/knowledge/:id', action: 'knowledge.read', summary: 'Read a knowledge record', roles: DESK, responses: { 200: theRecord } },
    async ({ c, params }) => {
      const record = await recordById(db, params.id).catch(rethrowDatabase);
      if (!record) throw notFound(`no knowledge record ${params.id}`);
      return c.json(record);
    },
  );

  book.add(
    { method: 'patch', path: '/api/knowledge/:id', action: 'knowledge.edit', summary: 'Edit a draft or rejected knowledge record (its author)', roles: DESK, body: schema.recordEditBody, responses: { 200: theRecord } },
    async ({ c, actor, params, body }) => c.json(recordOrProblem(await changeRecord(db, params.id, { kind: 'edit', actor, edits: body }).catch(rethrowDatabase))),
  );

  book.add(
    { method: 'post', path: '/api/knowledge/:id/submit', action: 'knowledge.submit', summary: 'Send a knowledge record to review (its author)', roles: DESK, body: emptyBody, responses: { 200: theRecord } },
    async ({ c, actor, params }) => c.json(recordOrProblem(await changeRecord(db, params.id, { kind: 'submit', actor }).catch(rethrowDatabase))),
  );

  book.add(
    { method: 'post', path: '/api/knowledge/:id/review', action: 'knowledge.review', summary: "Approve (and publish) or reject someone else's knowledge record (reviewers and managers)", roles: DESK, body: schema.recordReviewBody, responses: { 200: theRecord } },
    async ({ c, actor, params, body }) => {
      const command = body.decision === 'approve' ? ({ kind: 'approve', actor, edits: body.edits, comment: body.comment } as const) : ({ kind: 'reject', actor, comment: body.comment ?? '' } as const);
      return c.json(recordOrProblem(await changeRecord(db, params.id, command).catch(rethrowDatabase)));
    },
  );

  book.add(
    { method: 'post', path: '/api/knowledge/:id/tickets', action: 'knowledge.linkTicket', summary: 'Link a later ticket to a knowledge record', roles: DESK, body: schema.linkTicketBody, responses: { 200: theRecord } },
    async ({ c, actor, params, body }) => c.json(recordOrProblem(await linkTicket(db, params.id, body.number, actor).catch(rethrowDatabase))),
  );
}
