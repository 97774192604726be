// The word list in PostgreSQL: training in one transaction, the full load a
// worker starts from, and the changes since a version it catches up with.
//
// Trainers take the totals row's lock first, so trainings apply one after the
// other in version order: two workers training the same message cannot both
// count it, and every version's change sits in spam_training_log under it.

import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { TrainingDelta } from './classifier';
import { MemoryTokenCounts } from './memory-counts';
import { planTraining, sumDeltas, type TrainedMessage, type TrainingOutcome, type TrainingRequest, type WordListChange } from './training-plan';

/** NOTIFY channel; the payload is the new version. */
export const WORD_LIST_CHANNEL = 'spam_word_list';

/** A worker that fell further behind than this reloads the whole list instead of replaying the log. */
const LOG_KEPT_FOR = '15 minutes';

export interface TrainingResult {
  /** The word list's version after this training. */
  version: number;
  outcomes: TrainingOutcome[];
}

/** Trains a batch in one transaction; NOTIFYs the workers when anything changed. */
export async function trainWordList(db: Kysely<Database>, requests: readonly TrainingRequest[]): Promise<TrainingResult> {
  return db.transaction().execute(async (trx) => {
    const locked = await sql<{ version: string }>`select version from spam_totals where id = 1 for update`.execute(trx);
    const current = Number(locked.rows[0].version);
    const plan = planTraining(requests, await trainedMessages(trx, requests.map((r) => r.key)));
    if (plan.deltas.length === 0) return { version: current, outcomes: plan.outcomes };

    const version = current + 1;
    const change = sumDeltas(plan.deltas);
    await applyTokenChange(trx, change);
    await writeRecords(trx, plan.records, version);
    await sql`update spam_totals
      set spam_messages = greatest(0, spam_messages + ${change.spamMessages}),
          ham_messages = greatest(0, ham_messages + ${change.hamMessages}),
          version = ${version}
      where id = 1`.execute(trx);
    await sql`insert into spam_training_log (version, deltas) values (${version}, ${JSON.stringify(plan.deltas)}::jsonb)`.execute(trx);
    await sql`delete from spam_training_log where logged_at < now() - ${LOG_KEPT_FOR}::interval`.execute(trx);
    await sql`select pg_notify(${WORD_LIST_CHANNEL}, ${String(version)})`.execute(trx);
    return { version, outcomes: plan.outcomes };
  });
}

async function trainedMessages(trx: Transaction<Database>, keys: string[]): Promise<Map<string, TrainedMessage>> {
  const rows = await trx
    .selectFrom('spam_trained_messages')
    .select(['key', 'verdict', 'tokens'])
    .where('key', '=', sql<string>`any(${[...new Set(keys)]}::text[])`)
    .execute();
  return new Map(rows.map((r) => [r.key, { verdict: r.verdict, tokens: r.tokens }]));
}

/** One statement updates the tokens already listed, a second adds the new ones, a third drops those down to zero. */
async function applyTokenChange(trx: Transaction<Database>, change: WordListChange): Promise<void> {
  const tokens = [...change.tokens.keys()];
  const spam = tokens.map((t) => change.tokens.get(t)!.spam);
  const ham = tokens.map((t) => change.tokens.get(t)!.ham);
  await sql`
    with delta as (select * from unnest(${tokens}::text[], ${spam}::int[], ${ham}::int[]) as d(token, spam, ham)),
    updated as (
      update spam_tokens t
      set spam_count = greatest(0, t.spam_count + delta.spam), ham_count = greatest(0, t.ham_count + delta.ham)
      from delta where t.token = delta.token
      returning t.token
    )
    insert into spam_tokens (token, spam_count, ham_count)
    select token, greatest(0, spam), greatest(0, ham) from delta
    where (spam > 0 or ham > 0) and token not in (select token from updated)`.execute(trx);
  await sql`delete from spam_tokens where token = any(${tokens}::text[]) and spam_count = 0 and ham_count = 0`.execute(trx);
}

async function writeRecords(trx: Transaction<Database>, records: Map<string, TrainedMessage>, version: number): Promise<void> {
  if (records.size === 0) return;
  const rows = [...records].map(([key, record]) => ({ key, verdict: record.verdict, tokens: [...record.tokens], version }));
  // A batch of hundreds of messages with hundreds of tokens each stays well under PostgreSQL's 65535 parameters.
  for (let i = 0; i < rows.length; i += 1000) {
    await trx
      .insertInto('spam_trained_messages')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({ verdict: eb.ref('excluded.verdict'), tokens: eb.ref('excluded.tokens'), version: eb.ref('excluded.version'), trained_at: sql`now()` })),
      )
      .execute();
  }
}

export interface LoadedWordList {
  counts: MemoryTokenCounts;
  version: number;
}

/** The whole word list as of one snapshot, with its version. */
export async function loadWordList(db: Kysely<Database>): Promise<LoadedWordList> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const totals = await trx.selectFrom('spam_totals').select(['spam_messages', 'ham_messages', 'version']).where('id', '=', 1).executeTakeFirstOrThrow();
      const counts = new MemoryTokenCounts();
      counts.spamMessages = totals.spam_messages;
      counts.hamMessages = totals.ham_messages;
      // Pages keep the client's buffer small for lists far larger than 100k tokens.
      let after: string | undefined;
      for (;;) {
        let page = trx.selectFrom('spam_tokens').select(['token', 'spam_count', 'ham_count']).orderBy('token').limit(LOAD_PAGE);
        if (after !== undefined) page = page.where('token', '>', after);
        const rows = await page.execute();
        for (const row of rows) counts.set(row.token, { spam: row.spam_count, ham: row.ham_count });
        if (rows.length < LOAD_PAGE) break;
        after = rows[rows.length - 1].token;
      }
      return { counts, version: Number(totals.version) };
    });
}

const LOAD_PAGE = 100_000;

export type CatchUp =
  | { kind: 'current' }
  | { kind: 'changes'; version: number; deltas: TrainingDelta[] }
  /** The log no longer reaches back to the caller's version: load the whole list again. */
  | { kind: 'reload' };

/** What changed after `version`, from the training log. */
export async function changesSince(db: Kysely<Database>, version: number): Promise<CatchUp> {
  const totals = await db.selectFrom('spam_totals').select('version').where('id', '=', 1).executeTakeFirstOrThrow();
  if (Number(totals.version) <= version) return { kind: 'current' };
  const rows = await db.selectFrom('spam_training_log').select(['version', 'deltas']).where('version', '>', String(version)).orderBy('version').execute();
  // Versions are consecutive (trainers are serialised): a gap at the start means pruned entries.
  if (rows.length === 0 || Number(rows[0].version) !== version + 1) return { kind: 'reload' };
  return { kind: 'changes', version: Number(rows[rows.length - 1].version), deltas: rows.flatMap((r) => r.deltas) };
}
