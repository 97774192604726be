// Runs the built-in filter (decode → tokenize → in-memory word list) on a split, as the intake does.

import { readFileSync } from 'node:fs';
import { score, trainingDelta, type ScoringOptions } from '../../activities/spam/classifier';
import { MemoryTokenCounts } from '../../activities/spam/memory-counts';
import { mailForTokens } from './mail-for-tokens';
import { tokenize } from '../../activities/spam/tokenize';
import type { FilterRun, LabelledMail, Outcome } from './results';

export async function runOurFilter(
  name: string,
  train: readonly LabelledMail[],
  test: readonly LabelledMail[],
  options: ScoringOptions,
): Promise<FilterRun & { counts: MemoryTokenCounts }> {
  // Files are read before the clock starts: the product gets bytes from IMAP, not disk.
  const trainRaw = train.map((m) => readFileSync(m.path));
  const testRaw = test.map((m) => readFileSync(m.path));

  const counts = new MemoryTokenCounts();
  const trainStart = performance.now();
  for (let i = 0; i < train.length; i++) {
    const tokens = tokenize(mailForTokens(trainRaw[i]));
    counts.apply(trainingDelta(tokens, train[i].isSpam ? 'spam' : 'ham'));
  }
  const trainSeconds = (performance.now() - trainStart) / 1000;

  const outcomes: Outcome[] = [];
  const scoreStart = performance.now();
  for (const raw of testRaw) {
    outcomes.push(score(tokenize(mailForTokens(raw)), counts, options).outcome);
  }
  const scoreSeconds = (performance.now() - scoreStart) / 1000;
  return { filter: name, outcomes, trainSeconds, scoreSeconds, trainCount: train.length, counts };
}
