// Spam filter benchmark: the built-in filter against Debian's bogofilter (default
// settings, fresh word list) on the SpamAssassin public corpus, then on a
// Japanese set. Run: npx tsx bench/spam.ts      (re-tune: npx tsx bench/spam.ts --tune)
//
// Split: the MD5 in each file name, first hex digit 0-7 → training, 8-f → test.
// Both filters train on the training half and score the test half in the same run.
// Our speed includes decoding each mail as the intake does, as bogofilter's includes its own parsing.

import { DEFAULT_SCORING } from '../activities/spam/classifier';
import { ensureBogofilter, runBogofilter } from './spam/bogofilter';
import { isTrainingHalf, loadCorpus, type CorpusMessage } from './spam/corpus';
import { runOurFilter } from './spam/our-filter';
import { tune } from './spam/tune';
import { findJapaneseInCorpus, japaneseHamFromManpages, type JapaneseMail } from './spam/japanese';
import { printTable, type FilterRun, type LabelledMail } from './spam/results';

async function main(): Promise<void> {
  const bogofilterVersion = ensureBogofilter();
  const corpus = loadCorpus();
  const train: LabelledMail[] = corpus.filter((m) => isTrainingHalf(m.md5));
  const test: LabelledMail[] = corpus.filter((m) => !isTrainingHalf(m.md5));
  console.log(`SpamAssassin corpus: ${train.length} training, ${test.length} test messages`);

  if (process.argv.includes('--tune')) {
    await tune(corpus.filter((m) => isTrainingHalf(m.md5)), DEFAULT_SCORING);
    return;
  }
  const ours = await runOurFilter('ours', train, test, DEFAULT_SCORING);
  const bogo = runBogofilter(bogofilterVersion, train, test);
  printTable('English (SpamAssassin public corpus), test half', test, [ours, bogo]);

  await japaneseBenchmark(corpus, train, bogofilterVersion);
}

/**
 * The corpus has only a handful of Japanese spams, too few for a half split,
 * so the Japanese set is scored by 4-fold cross-validation: each fold is
 * scored after training on the English training half plus the other three
 * Japanese folds. Every Japanese mail is scored exactly once.
 */
async function japaneseBenchmark(corpus: CorpusMessage[], englishTrain: LabelledMail[], bogofilterVersion: string) {
  const japaneseInCorpus = await findJapaneseInCorpus(corpus);
  const spam: JapaneseMail[] = japaneseInCorpus.filter((m) => m.isSpam);
  const ham = japaneseHamFromManpages();
  const japanese = [...spam, ...ham];
  console.log(
    `\nJapanese set: ${spam.length} Japanese spams from the corpus, ${ham.length} hams from manpages-ja ` +
      `(the corpus's ${japaneseInCorpus.length - spam.length} Japanese hams stay in the English split)`,
  );
  // Japanese spams enter training only through the folds, never through the English half.
  const japanesePaths = new Set(japanese.map((m) => m.path));
  const englishOnly = englishTrain.filter((m) => !japanesePaths.has(m.path));
  const scored: LabelledMail[] = [];
  const runs: FilterRun[] = [];
  for (let fold = 0; fold < FOLDS; fold++) {
    const inFold = (m: JapaneseMail) => parseInt(m.md5[0], 16) % FOLDS === fold;
    const test = japanese.filter(inFold);
    const train = [...englishOnly, ...japanese.filter((m) => !inFold(m))];
    const foldRuns = [
      await runOurFilter('ours', train, test, DEFAULT_SCORING),
      runBogofilter(bogofilterVersion, train, test),
    ];
    scored.push(...test);
    foldRuns.forEach((run, i) => (runs[i] = runs[i] ? mergeRuns(runs[i], run) : run));
  }
  printTable(`Japanese (${FOLDS}-fold cross-validation)`, scored, runs);
}

const FOLDS = 4;

function mergeRuns(a: FilterRun, b: FilterRun): FilterRun {
  return {
    filter: a.filter,
    outcomes: [...a.outcomes, ...b.outcomes],
    trainSeconds: a.trainSeconds + b.trainSeconds,
    scoreSeconds: a.scoreSeconds + b.scoreSeconds,
    trainCount: a.trainCount + b.trainCount,
  };
}

await main();
