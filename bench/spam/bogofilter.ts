// Runs Debian's bogofilter with default settings on a split, with a fresh word list.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FilterRun, LabelledMail, Outcome } from './results';

/** Installs bogofilter with apt-get if it is missing (the bench machine is Debian, run as root). */
export function ensureBogofilter(): string {
  const found = spawnSync('bogofilter', ['-V'], { encoding: 'utf8' });
  if (found.status !== 0 && found.error) {
    console.log('Installing bogofilter with apt-get ...');
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', 'bogofilter'], { stdio: 'inherit' });
  }
  const again = spawnSync('bogofilter', ['-V'], { encoding: 'utf8' });
  return (again.stdout || again.stderr).split('\n')[0].trim();
}

/** bogofilter takes many files per call with -B; batches keep the command line short. */
const BATCH = 500;

export function runBogofilter(name: string, train: readonly LabelledMail[], test: readonly LabelledMail[]): FilterRun {
  const wordlistDir = mkdtempSync(join(tmpdir(), 'bogofilter-bench-'));
  try {
    const trainStart = performance.now();
    const spam = train.filter((m) => m.isSpam).map((m) => m.path);
    const ham = train.filter((m) => !m.isSpam).map((m) => m.path);
    for (const batch of batches(spam)) bogofilter(wordlistDir, ['-s', '-B', ...batch]);
    for (const batch of batches(ham)) bogofilter(wordlistDir, ['-n', '-B', ...batch]);
    const trainSeconds = (performance.now() - trainStart) / 1000;

    const outcomes: Outcome[] = [];
    const scoreStart = performance.now();
    for (const batch of batches(test.map((m) => m.path))) {
      const lines = bogofilter(wordlistDir, ['-t', '-B', ...batch]).trim().split('\n');
      if (lines.length !== batch.length) throw new Error(`bogofilter printed ${lines.length} lines for ${batch.length} files`);
      for (const line of lines) outcomes.push(outcomeOf(line));
    }
    const scoreSeconds = (performance.now() - scoreStart) / 1000;
    return { filter: name, outcomes, trainSeconds, scoreSeconds, trainCount: train.length };
  } finally {
    rmSync(wordlistDir, { recursive: true, force: true });
  }
}

function bogofilter(wordlistDir: string, args: string[]): string {
  const result = spawnSync('bogofilter', ['-d', wordlistDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  // Exit codes: 0 spam, 1 ham, 2 unsure (for the last message), 3 error.
  if (result.status === 3 || result.status === null) throw new Error(`bogofilter failed: ${result.stderr}`);
  return result.stdout;
}

/** Terse output: "S 0.999", "H 0.01" or "U 0.6". */
function outcomeOf(line: string): Outcome {
  switch (line[0]) {
    case 'S':
      return 'spam';
    case 'H':
      return 'ham';
    case 'U':
      return 'unsure';
    default:
      throw new Error(`unexpected bogofilter output: ${line}`);
  }
}

function* batches<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += BATCH) yield items.slice(i, i + BATCH);
}
