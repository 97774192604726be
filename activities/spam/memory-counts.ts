// An in-memory word list: for tests, the benchmark, and for serving the rows
// a DB-backed store fetched for one message.

import type { TokenCount, TokenCounts, TrainingDelta } from './classifier';

export class MemoryTokenCounts implements TokenCounts {
  spamMessages = 0;
  hamMessages = 0;
  private readonly counts = new Map<string, TokenCount>();

  get(token: string): TokenCount | undefined {
    return this.counts.get(token);
  }

  /** Number of distinct tokens known. */
  get size(): number {
    return this.counts.size;
  }

  /** Loads a row as stored (e.g. fetched from the database). */
  set(token: string, count: TokenCount): void {
    this.counts.set(token, { spam: count.spam, ham: count.ham });
  }

  apply(delta: TrainingDelta): void {
    if (delta.spam === 0 && delta.ham === 0) return;
    this.spamMessages = Math.max(0, this.spamMessages + delta.spam);
    this.hamMessages = Math.max(0, this.hamMessages + delta.ham);
    for (const token of delta.tokens) {
      let count = this.counts.get(token);
      if (!count) {
        count = { spam: 0, ham: 0 };
        this.counts.set(token, count);
      }
      count.spam = Math.max(0, count.spam + delta.spam);
      count.ham = Math.max(0, count.ham + delta.ham);
      if (count.spam === 0 && count.ham === 0) this.counts.delete(token);
    }
  }
}
