// The spam filter a worker runs: the word list loaded into memory once, kept
// current from the training log whenever PostgreSQL NOTIFYs a new version.
// Scoring never touches the database.

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { log } from '../../lib/log';
import { DEFAULT_SCORING, score, type ScoringOptions } from './classifier';
import { guardWhileLearning } from './first-days';
import type { SpamFilter } from './spam-filter';
import { spamTrainer } from './spam-trainer';
import { tokenize } from './tokenize';
import { WordListCopy } from './word-list-copy';
import { WordListListener } from './word-list-listener';
import { WORD_LIST_CHANNEL } from './word-list-store';

export interface SpamFilterOptions {
  scoring?: ScoringOptions;
  /** Catch up this often even without a notification, in case one was lost with a dropped connection. */
  pollIntervalMs?: number;
}

export interface OpenSpamFilter extends SpamFilter {
  /** The word list's version this copy reflects, and its size. */
  readonly version: number;
  readonly tokenCount: number;
  /** Milliseconds the first load took. */
  readonly loadMs: number;
  /** Stops listening; the database handle stays the caller's. */
  close(): Promise<void>;
}

export async function openSpamFilter(
  db: Kysely<Database>,
  databaseUrl: string,
  options: SpamFilterOptions = {},
): Promise<OpenSpamFilter> {
  const scoring = options.scoring ?? DEFAULT_SCORING;
  const copy = new WordListCopy(db);
  const trainer = spamTrainer(db);
  const listener = new WordListListener(databaseUrl, WORD_LIST_CHANNEL, {
    onNotify: () => void copy.refresh().catch(warn),
    onListening: () => void copy.refresh().catch(warn),
    onError: (error) => log.warn({ err: error }, 'spam filter: the word-list LISTEN connection failed; retrying'),
  });
  // Listen before loading: a training committed during the load is then caught up right after it.
  await listener.start();
  const started = performance.now();
  try {
    await copy.load();
    await copy.refresh();
  } catch (error) {
    await listener.close();
    throw error;
  }
  const loadMs = performance.now() - started;
  log.info({ tokens: copy.counts.size, version: copy.version, loadMs: Math.round(loadMs) }, 'spam filter: word list loaded');
  const poll = setInterval(() => void copy.refresh().catch(warn), options.pollIntervalMs ?? 30_000);
  poll.unref();

  return {
    get version() {
      return copy.version;
    },
    get tokenCount() {
      return copy.counts.size;
    },
    loadMs,
    async score(message) {
      return guardWhileLearning(score(tokenize(message), copy.counts, scoring), copy.counts);
    },
    async train(key, message, verdict) {
      await trainer.train(key, message, verdict);
      // The caller's own training is visible in this copy when train() returns.
      await copy.refresh();
    },
    async close() {
      clearInterval(poll);
      await listener.close();
      await copy.settled();
    },
  };
}

function warn(error: unknown): void {
  log.warn({ err: error }, 'spam filter: catching up with the word list failed; will retry on the next change');
}
