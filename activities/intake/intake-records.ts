// The intake_messages rows: a mail's raw bytes kept once under its intake key,
// and what the intake made of it.

import type { Kysely } from 'kysely';
import type { Database, IntakeMessagesTable } from '../../db/schema';
import { intakeLag, mailsTakenIn } from '../../lib/metrics/desk-metrics';
import { storableText } from '../mail/storable-text';
import { mailIdentity } from './intake-key';
import type { IntakeResult } from '../../workflows/mail-intake-types';

export interface IntakeRecord {
  intake_key: string;
  raw_message_id: string;
  message_id: string | null;
  outcome: IntakeMessagesTable['outcome'];
  reason: string | null;
  ticket_number: string | null;
  article_id: string | null;
  in_junk: boolean;
  trained: IntakeMessagesTable['trained'];
  oversize: boolean;
}

const RECORD_COLUMNS = [
  'intake_key',
  'raw_message_id',
  'message_id',
  'outcome',
  'reason',
  'ticket_number',
  'article_id',
  'in_junk',
  'trained',
  'oversize',
] as const;

export function findIntake(db: Kysely<Database>, intakeKey: string): Promise<IntakeRecord | undefined> {
  return db.selectFrom('intake_messages').select(RECORD_COLUMNS).where('intake_key', '=', intakeKey).executeTakeFirst();
}

/**
 * Stores the mail's bytes before anything reads them, once per intake key: a
 * mail fetched again (a crash before it left INBOX, a second delivery) finds
 * the row of the first time and its raw message. `known`: the caller has just
 * looked the key up (null: not there), so it is not read again.
 */
export async function keepRawMail(
  db: Kysely<Database>,
  raw: Buffer,
  source: string,
  maxMessageBytes: number,
  known?: IntakeRecord | null,
): Promise<{ record: IntakeRecord; firstTime: boolean }> {
  const identity = mailIdentity(raw);
  const found = known === undefined ? await findIntake(db, identity.intakeKey) : known;
  if (found) return { record: found, firstTime: false };
  // The key is made from the Message-ID as written; the column gets it without what PostgreSQL refuses (a NUL).
  const messageId = identity.messageId === null ? null : storableText(identity.messageId).text;
  try {
    const record = await db.transaction().execute(async (tx) => {
      const stored = await tx
        .insertInto('raw_messages')
        .values({ sha256: identity.sha256, message_id: messageId, raw, size: raw.length, source })
        .returning('id')
        .executeTakeFirstOrThrow();
      return tx
        .insertInto('intake_messages')
        .values({
          intake_key: identity.intakeKey,
          raw_message_id: stored.id,
          message_id: messageId,
          sha256: identity.sha256,
          source,
          oversize: raw.length > maxMessageBytes,
        })
        .returning(RECORD_COLUMNS)
        .executeTakeFirstOrThrow();
    });
    return { record, firstTime: true };
  } catch (error) {
    // Someone else (another poller, the pipe) stored it a moment ago: theirs counts, ours rolled back.
    const theirs = await findIntake(db, identity.intakeKey);
    if (theirs) return { record: theirs, firstTime: false };
    throw error;
  }
}

export async function recordIntakeOutcome(db: Kysely<Database>, intakeKey: string, result: IntakeResult): Promise<void> {
  const recorded = await db
    .updateTable('intake_messages')
    .set({
      outcome: result.outcome,
      reason: result.reason ?? null,
      ticket_number: result.number ?? null,
      article_id: result.articleId ?? null,
      spam_score: result.spam?.score ?? null,
      spam_outcome: result.spam?.outcome ?? null,
      spam_clues: result.spam ? JSON.stringify(result.spam.clues) : null,
      decided_at: new Date(),
    })
    .where('intake_key', '=', intakeKey)
    // A subquery in RETURNING reads the row as it was before this UPDATE: the outcome a retry finds already recorded.
    .returning((eb) => ['received_at', 'decided_at', eb.selectFrom('intake_messages as earlier').select('earlier.outcome').where('earlier.intake_key', '=', intakeKey).as('earlier_outcome')])
    .executeTakeFirst();
  if (recorded && !recorded.earlier_outcome) countIntake(result.outcome, recorded.received_at, recorded.decided_at);
}

/** Once per mail: a retried recording (the activity ran again) counts nothing. */
function countIntake(outcome: IntakeResult['outcome'], receivedAt: Date, decidedAt: Date | null): void {
  mailsTakenIn.inc({ outcome });
  if ((outcome === 'ticket' || outcome === 'follow-up') && decidedAt) intakeLag.observe(Math.max(0, (decidedAt.getTime() - receivedAt.getTime()) / 1000));
}

/** The result the intake recorded for a mail it has finished. */
export function recordedResult(record: IntakeRecord): IntakeResult | undefined {
  if (!record.outcome) return undefined;
  return {
    outcome: record.outcome,
    ...(record.ticket_number ? { number: record.ticket_number } : {}),
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.article_id ? { articleId: record.article_id } : {}),
  };
}

/** Where the mails now lie: in Junk or not (one statement for all that moved together; rows already right are left alone). */
export async function markInJunk(db: Kysely<Database>, intakeKeys: readonly string[], inJunk: boolean): Promise<void> {
  if (intakeKeys.length === 0) return;
  await db.updateTable('intake_messages').set({ in_junk: inJunk }).where('intake_key', 'in', intakeKeys).where('in_junk', '!=', inJunk).execute();
}

export async function markTrained(db: Kysely<Database>, intakeKey: string, verdict: 'spam' | 'ham'): Promise<void> {
  await db.updateTable('intake_messages').set({ trained: verdict }).where('intake_key', '=', intakeKey).execute();
}

export async function rawMailOf(db: Kysely<Database>, rawMessageId: string): Promise<Buffer> {
  const row = await db.selectFrom('raw_messages').select('raw').where('id', '=', rawMessageId).executeTakeFirstOrThrow();
  return row.raw;
}
