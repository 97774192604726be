import { sql, type Kysely, type Transaction } from 'kysely';
import { draftFromTicket, type RecordDraft } from '../lib/knowledge/draft';
import { decide, type KnowledgeRecord, type RecordCommand, type RecordDecision, type RecordFields, type RecordStatus } from '../lib/knowledge/record-rules';
import { overlapScore, queryTerms, recordTerms } from '../lib/knowledge/record-terms';
import type { Actor } from '../workflows/ticket-types';
import type { Database } from './schema';

// The queries of knowledge records. Every change runs the pure rules
// (lib/knowledge/record-rules.ts) on the record read with its row locked
// (SELECT … FOR UPDATE) and writes their answer in the same transaction: two
// reviewers approving at once are served one after the other, and the second
// meets a record that is no longer in review.

/** A refusal of the rules, or a record or ticket that does not exist. */
export type RecordOutcome = RecordDecision | { ok: false; kind: 'not-found'; reason: string };

/** A record found by a search, with how well it answered. */
export type FoundRecord = KnowledgeRecord & { score?: number; terms?: string[] };

/** Records a search reads at most before ranking them: far more than a page, few enough to rank here. */
const SEARCH_CANDIDATES = 500;

type Db = Kysely<Database> | Transaction<Database>;
type Row = Awaited<ReturnType<ReturnType<typeof selectRecords>['execute']>>[number];

function selectRecords(db: Db) {
  return db
    .selectFrom('knowledge_records as k')
    .selectAll('k')
    .select((eb) =>
      eb.fn
        .coalesce(
          eb.selectFrom('knowledge_record_tickets as l').select(sql<string[]>`array_agg(l.ticket_number order by l.linked_at, l.ticket_number)`.as('n')).whereRef('l.record_id', '=', 'k.id'),
          sql<string[]>`'{}'::text[]`,
        )
        .as('ticket_numbers'),
    );
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function toRecord(row: Row): KnowledgeRecord {
  return {
    id: row.id,
    status: row.status,
    symptom: row.symptom,
    cause: row.cause,
    fix: row.fix,
    product: row.product,
    version: row.version,
    keywords: row.keywords,
    public: row.public,
    author: row.author,
    reviewer: row.reviewer,
    reviewComment: row.review_comment,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    submittedAt: iso(row.submitted_at),
    reviewedAt: iso(row.reviewed_at),
    ticketNumbers: row.ticket_numbers,
  };
}

export async function recordById(db: Db, id: string): Promise<KnowledgeRecord | undefined> {
  const row = await selectRecords(db).where('k.id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

/** The tickets of `numbers` that do not exist (the read model has every ticket). */
async function unknownTickets(db: Db, numbers: string[]): Promise<string[]> {
  if (numbers.length === 0) return [];
  const rows = await db.selectFrom('tickets').select('number').where('number', 'in', numbers).execute();
  const known = new Set(rows.map((r) => r.number));
  return numbers.filter((n) => !known.has(n));
}

/** A new draft by `author`, linked to the tickets it came from. */
export async function createRecord(db: Kysely<Database>, author: string, fields: RecordFields, ticketNumbers: string[]): Promise<RecordOutcome> {
  return db.transaction().execute(async (tx) => {
    const unknown = await unknownTickets(tx, [...new Set(ticketNumbers)]);
    if (unknown.length) return { ok: false, kind: 'not-found', reason: `no ticket ${unknown.join(', ')}` };
    const { id } = await tx
      .insertInto('knowledge_records')
      .values({ ...columnsOf(fields), author, terms: recordTerms(fields) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await linkAll(tx, id, ticketNumbers, author);
    return { ok: true, record: (await recordById(tx, id))! };
  });
}

/**
 * Runs `command` on record `id` under a row lock: the rules decide on the
 * record as it stands inside the transaction, and their answer is written.
 */
export async function changeRecord(db: Kysely<Database>, id: string, command: RecordCommand): Promise<RecordOutcome> {
  return db.transaction().execute(async (tx) => {
    const locked = await tx.selectFrom('knowledge_records').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
    if (!locked) return { ok: false, kind: 'not-found', reason: `no knowledge record ${id}` };
    const record = (await recordById(tx, id))!;
    const decision = decide(record, command, new Date().toISOString());
    if (!decision.ok) return decision;
    const next = decision.record;
    await tx
      .updateTable('knowledge_records')
      .set({
        ...columnsOf(next),
        status: next.status,
        reviewer: next.reviewer,
        review_comment: next.reviewComment,
        terms: recordTerms(next),
        updated_at: next.updatedAt,
        submitted_at: next.submittedAt,
        reviewed_at: next.reviewedAt,
      })
      .where('id', '=', id)
      .execute();
    return { ok: true, record: (await recordById(tx, id))! };
  });
}

/** Links a later ticket to record `id` (linking it twice changes nothing). */
export async function linkTicket(db: Kysely<Database>, id: string, number: string, actor: Actor): Promise<RecordOutcome> {
  return db.transaction().execute(async (tx) => {
    const record = await tx.selectFrom('knowledge_records').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
    if (!record) return { ok: false, kind: 'not-found', reason: `no knowledge record ${id}` };
    if ((await unknownTickets(tx, [number])).length) return { ok: false, kind: 'not-found', reason: `no ticket ${number}` };
    await linkAll(tx, id, [number], actor.user);
    return { ok: true, record: (await recordById(tx, id))! };
  });
}

async function linkAll(tx: Transaction<Database>, id: string, numbers: string[], by: string): Promise<void> {
  if (numbers.length === 0) return;
  await tx
    .insertInto('knowledge_record_tickets')
    .values([...new Set(numbers)].map((ticket_number) => ({ record_id: id, ticket_number, linked_by: by })))
    .onConflict((oc) => oc.columns(['record_id', 'ticket_number']).doNothing())
    .execute();
}

function columnsOf(fields: RecordFields) {
  return {
    symptom: fields.symptom,
    cause: fields.cause,
    fix: fields.fix,
    product: fields.product,
    version: fields.version,
    keywords: fields.keywords,
    public: fields.public,
  };
}

/**
 * Records by status, newest first; with `q`, those sharing a term with it,
 * best first (lib/knowledge/record-terms.ts), and only published ones unless
 * a status is named: a search is for knowledge someone has checked.
 */
export async function searchRecords(db: Kysely<Database>, options: { q?: string; status?: RecordStatus; publicOnly?: boolean; limit: number }): Promise<FoundRecord[]> {
  const status = options.publicOnly ? 'published' : (options.status ?? (options.q ? 'published' : undefined));
  let query = selectRecords(db).orderBy('k.updated_at', 'desc').orderBy('k.id', 'desc');
  if (status) query = query.where('k.status', '=', status);
  if (options.publicOnly) query = query.where('k.public', '=', true);
  if (!options.q) return (await query.limit(options.limit).execute()).map(toRecord);
  const weights = queryTerms(options.q);
  if (weights.size === 0) return [];
  // Through the GIN index: only records sharing at least one term are read.
  const rows = await query.where(sql<boolean>`k.terms && ${sql.val([...weights.keys()])}::text[]`).limit(SEARCH_CANDIDATES).execute();
  return rows
    .map((row) => ({ ...toRecord(row), score: overlapScore(weights, row.terms), terms: row.terms.filter((t) => weights.has(t)) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || (a.updatedAt < b.updatedAt ? 1 : -1))
    .slice(0, options.limit);
}

/** A draft prefilled from ticket `number`, for the agent to edit; undefined when there is no such ticket. */
export async function knowledgeDraft(db: Kysely<Database>, number: string): Promise<RecordDraft | undefined> {
  const ticket = await db
    .selectFrom('tickets as t')
    .select(['t.number', 't.subject', 't.resolution'])
    .select((eb) => [
      eb.selectFrom('articles as a').select('a.body').whereRef('a.ticket_number', '=', 't.number').where('a.kind', '=', 'inquiry').orderBy('a.id').limit(1).as('inquiry'),
      // The last answer the desk sent the customer (an answer's article is written as it is sent).
      eb.selectFrom('articles as a').select('a.body').whereRef('a.ticket_number', '=', 't.number').where('a.kind', '=', 'answer').where('a.refused_reason', 'is', null).orderBy('a.id', 'desc').limit(1).as('lastAnswer'),
    ])
    .where('t.number', '=', number)
    .executeTakeFirst();
  return ticket && draftFromTicket(ticket);
}

/** The published records linked to each of `numbers` (for similar tickets), by ticket number. */
export async function publishedRecordsOf(db: Kysely<Database>, numbers: string[]): Promise<Map<string, { id: string; symptom: string }[]>> {
  const byTicket = new Map<string, { id: string; symptom: string }[]>();
  if (numbers.length === 0) return byTicket;
  const rows = await db
    .selectFrom('knowledge_record_tickets as l')
    .innerJoin('knowledge_records as k', 'k.id', 'l.record_id')
    .select(['l.ticket_number', 'k.id', 'k.symptom'])
    .where('l.ticket_number', 'in', numbers)
    .where('k.status', '=', 'published')
    .orderBy('k.id')
    .execute();
  for (const row of rows) byTicket.set(row.ticket_number, [...(byTicket.get(row.ticket_number) ?? []), { id: row.id, symptom: row.symptom }]);
  return byTicket;
}

/** What the portal shows of a record: the problem and its fix, nothing of who wrote it or which tickets it came from. */
export type PublicRecord = Pick<KnowledgeRecord, 'id' | 'symptom' | 'cause' | 'fix' | 'product' | 'version'>;

/** Published records marked public, newest first or (with `q`) best first. */
export async function publicRecords(db: Kysely<Database>, q: string, limit: number): Promise<PublicRecord[]> {
  const found = await searchRecords(db, { q: q || undefined, publicOnly: true, limit });
  return found.map(({ id, symptom, cause, fix, product, version }) => ({ id, symptom, cause, fix, product, version }));
}
