// A worker's in-memory copy of the word list and its version. Catching up is
// serialised: at most one catch-up runs, and at most one more waits to run
// after it, however many notifications arrive meanwhile.

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { MemoryTokenCounts } from './memory-counts';
import { changesSince, loadWordList } from './word-list-store';

export class WordListCopy {
  counts = new MemoryTokenCounts();
  version = -1;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  get loaded(): boolean {
    return this.version >= 0;
  }

  /** Replaces the copy with the whole list as of now. */
  async load(): Promise<void> {
    const { counts, version } = await loadWordList(this.db);
    this.counts = counts;
    this.version = version;
  }

  /** Resolves after a catch-up that started after this call. */
  refresh(): Promise<void> {
    if (!this.running) {
      this.running = this.catchUp().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => {})
      .then(() => {
        this.queued = undefined;
        return this.refresh();
      });
    return this.queued;
  }

  /** Waits for catch-ups in flight (for a clean close). */
  async settled(): Promise<void> {
    await this.queued?.catch(() => {});
    await this.running?.catch(() => {});
  }

  private async catchUp(): Promise<void> {
    if (!this.loaded) return;
    const change = await changesSince(this.db, this.version);
    if (change.kind === 'reload') return this.load();
    if (change.kind === 'changes') {
      for (const delta of change.deltas) this.counts.apply(delta);
      this.version = change.version;
    }
  }
}
