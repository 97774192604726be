// The rules of a knowledge record's states (pure: no I/O). Given the record
// and a command with its actor, they answer the record as it would then stand,
// or a refusal with its reason — as workflows/ticket-rules.ts does for
// tickets. db/knowledge-records.ts applies them inside a transaction, with the
// record's row locked, so two reviewers deciding at once cannot both win.
//
//   draft ──submit──▶ in_review ──approve (may edit)──▶ published
//     ▲                  │
//     └──(edit)── rejected ◀──reject (comment required)──┘
//                    └──submit──▶ in_review
//
// Four eyes, as for answers: only the author edits and submits; a reviewer
// or manager who is not the author decides.
import { mayAct, ROLE_GROUPS } from '../../api/role-groups';
import type { Actor } from '../../workflows/ticket-types';

export const RECORD_STATUSES = ['draft', 'in_review', 'published', 'rejected'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** What the author writes, and a reviewer may correct while approving. */
export interface RecordFields {
  symptom: string;
  cause: string;
  fix: string;
  product: string | null;
  version: string | null;
  keywords: string[];
  /** May be shown to customers one day; false until someone says so. */
  public: boolean;
}

export interface KnowledgeRecord extends RecordFields {
  id: string;
  status: RecordStatus;
  author: string;
  reviewer: string | null;
  reviewComment: string | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  reviewedAt: string | null;
  /** The tickets it came from, and later ones linked to it. */
  ticketNumbers: string[];
}

export type RecordCommand =
  | { kind: 'edit'; actor: Actor; edits: Partial<RecordFields> }
  | { kind: 'submit'; actor: Actor }
  | { kind: 'approve'; actor: Actor; edits?: Partial<RecordFields>; comment?: string }
  | { kind: 'reject'; actor: Actor; comment: string };

/**
 * Why a command is refused: `role` (this kind of user may never do it: 403),
 * `input` (the command itself is incomplete: 400), `state` (not now, not by
 * this person, as the record stands: 409).
 */
export type RefusalKind = 'role' | 'input' | 'state';

export type RecordDecision = { ok: true; record: KnowledgeRecord } | { ok: false; kind: RefusalKind; reason: string };

const refuse = (kind: RefusalKind, reason: string): RecordDecision => ({ ok: false, kind, reason });

/** The record after `command` at time `now` (ISO), or why not. */
export function decide(record: KnowledgeRecord, command: RecordCommand, now: string): RecordDecision {
  switch (command.kind) {
    case 'edit':
      return edit(record, command.actor, command.edits, now);
    case 'submit':
      return submit(record, command.actor, now);
    case 'approve':
      return approve(record, command.actor, command.edits ?? {}, command.comment, now);
    case 'reject':
      return reject(record, command.actor, command.comment, now);
  }
}

/** Only what the author still holds: a draft, or a rejected record being put right. */
function edit(record: KnowledgeRecord, actor: Actor, edits: Partial<RecordFields>, now: string): RecordDecision {
  if (actor.user !== record.author) return refuse('state', `only the author (${record.author}) edits record ${record.id}; a reviewer corrects it while approving`);
  if (record.status !== 'draft' && record.status !== 'rejected') return refuse('state', `record ${record.id} is ${record.status}: only a draft or a rejected record can be edited`);
  if (Object.keys(edits).length === 0) return refuse('input', 'name at least one field to change');
  const changed = { ...record, ...withoutUndefined(edits) };
  const missing = missingContent(changed);
  if (missing) return refuse('input', missing);
  return { ok: true, record: { ...changed, updatedAt: now } };
}

function submit(record: KnowledgeRecord, actor: Actor, now: string): RecordDecision {
  if (actor.user !== record.author) return refuse('state', `only the author (${record.author}) sends record ${record.id} to review`);
  if (record.status !== 'draft' && record.status !== 'rejected') return refuse('state', `record ${record.id} is ${record.status}: only a draft or a rejected record can be sent to review`);
  const incomplete = incompleteForReview(record);
  if (incomplete) return refuse('state', `record ${record.id} is not ready for review: ${incomplete}`);
  return { ok: true, record: { ...record, status: 'in_review', submittedAt: now, updatedAt: now } };
}

function approve(record: KnowledgeRecord, actor: Actor, edits: Partial<RecordFields>, comment: string | undefined, now: string): RecordDecision {
  const who = mayReview(record, actor);
  if (who) return who;
  const corrected = { ...record, ...withoutUndefined(edits) };
  const incomplete = incompleteForReview(corrected) ?? missingContent(corrected);
  if (incomplete) return refuse('input', `the approved record would be incomplete: ${incomplete}`);
  return { ok: true, record: { ...corrected, status: 'published', reviewer: actor.user, reviewComment: comment?.trim() || null, reviewedAt: now, updatedAt: now } };
}

function reject(record: KnowledgeRecord, actor: Actor, comment: string, now: string): RecordDecision {
  const who = mayReview(record, actor);
  if (who) return who;
  if (!comment.trim()) return refuse('input', 'a rejection needs a comment: say what the author should put right');
  return { ok: true, record: { ...record, status: 'rejected', reviewer: actor.user, reviewComment: comment.trim(), reviewedAt: now, updatedAt: now } };
}

/** A refusal when `actor` may not decide on the record now; undefined when they may. */
function mayReview(record: KnowledgeRecord, actor: Actor): RecordDecision | undefined {
  // The author first: whatever their role, the answer that helps them is "someone else decides".
  if (actor.user === record.author) return refuse('state', `${actor.user} wrote record ${record.id} and cannot review it: another reviewer decides`);
  // The same group that reviews memos (api/role-groups.ts).
  if (!mayAct('reviewers', actor.role)) return refuse('role', `role ${actor.role} may not review knowledge records; allowed: ${ROLE_GROUPS.reviewers.join(', ')}`);
  if (record.status !== 'in_review') return refuse('state', `record ${record.id} is ${record.status}, not in review: ${record.reviewer ? `${record.reviewer} already decided` : 'the author has not sent it to review'}`);
  return undefined;
}

/** A record always says what happened. */
function missingContent(record: RecordFields): string | undefined {
  return record.symptom.trim() ? undefined : 'the symptom cannot be empty';
}

/** What a reviewer needs before deciding: what happened and what fixed it. */
function incompleteForReview(record: RecordFields): string | undefined {
  if (!record.symptom.trim()) return 'the symptom is empty';
  if (!record.fix.trim()) return 'the fix is empty';
  return undefined;
}

function withoutUndefined<T extends object>(edits: T): Partial<T> {
  return Object.fromEntries(Object.entries(edits).filter(([, v]) => v !== undefined)) as Partial<T>;
}
