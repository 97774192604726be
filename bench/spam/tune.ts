// Tunes the scorer's options by 2-fold cross-validation INSIDE the training
// half (second MD5 hex digit 0-7 vs 8-f): the test half is never looked at.
// Run: npx tsx bench/spam.ts --tune

import { readFileSync } from 'node:fs';
import { outcomeOf, score, trainingDelta, type ScoringOptions } from '../../activities/spam/classifier';
import { MemoryTokenCounts } from '../../activities/spam/memory-counts';
import { mailForTokens } from './mail-for-tokens';
import { tokenize } from '../../activities/spam/tokenize';
import { runBogofilter } from './bogofilter';
import type { CorpusMessage } from './corpus';
import type { Outcome } from './results';

/**
 * The aim: no more hams called spam than bogofilter on the same folds, then
 * as few spams let through as possible. Any extra ham called spam costs this much.
 */
const FALSE_POSITIVE_COST = 1000;
/** A ham left unsure costs this much: someone has to look at it. */
const UNSURE_HAM_COST = 0.5;

interface Tokenized {
  path: string;
  tokens: string[];
  isSpam: boolean;
  fold: number;
}

export async function tune(train: readonly CorpusMessage[], base: ScoringOptions): Promise<ScoringOptions> {
  const mails: Tokenized[] = [];
  for (const mail of train) {
    mails.push({
      path: mail.path,
      tokens: tokenize(mailForTokens(readFileSync(mail.path))),
      isSpam: mail.isSpam,
      fold: parseInt(mail.md5[1], 16) < 8 ? 0 : 1,
    });
  }
  const folds = [0, 1].map((fold) => countsWithout(mails, fold));
  const allowedFalsePositives = bogofilterCrossValidation(train);

  let best = { cost: Infinity, options: base, detail: '', wrong: [] as string[] };
  for (const robs of [0.0178, 0.05, 0.1, 0.3]) {
    for (const robx of [0.45, 0.5, 0.52, 0.55]) {
      for (const minDev of [0.1, 0.2, 0.3, 0.375]) {
        for (const maxTokens of [30, 60, Infinity]) {
          const options = { ...base, robs, robx, minDev, maxTokens };
          const scored = mails.map((m) => ({
            isSpam: m.isSpam,
            score: score(m.tokens, folds[m.fold], options).score,
          }));
          for (const spamCutoff of [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]) {
            for (const hamCutoff of [0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6]) {
              if (hamCutoff >= spamCutoff) continue;
              const cutoffs = { spamCutoff, hamCutoff };
              const outcomes = scored.map((s) => ({ isSpam: s.isSpam, outcome: outcomeOf(s.score, cutoffs) }));
              const { cost, detail } = costOf(outcomes, allowedFalsePositives);
              if (cost < best.cost) {
                const wrong = mails.filter((m, i) => !m.isSpam && outcomes[i].outcome === 'spam').map((m) => m.path);
                best = { cost, options: { ...options, ...cutoffs }, detail, wrong };
              }
            }
          }
        }
      }
    }
  }
  console.log(`Best on training-half cross-validation (${best.detail}, cost ${best.cost}):`, best.options);
  for (const path of best.wrong) console.log('  ham called spam:', path);
  return best.options;
}

export function costOf(
  results: readonly { isSpam: boolean; outcome: Outcome }[],
  allowedFalsePositives = 0,
): { cost: number; detail: string } {
  let fp = 0, fn = 0, unsureHam = 0;
  for (const { isSpam, outcome } of results) {
    if (isSpam && outcome !== 'spam') fn++;
    if (!isSpam && outcome === 'spam') fp++;
    if (!isSpam && outcome === 'unsure') unsureHam++;
  }
  const cost = FALSE_POSITIVE_COST * Math.max(0, fp - allowedFalsePositives) + fn + UNSURE_HAM_COST * unsureHam;
  return { cost, detail: `FP ${fp}, FN ${fn}, unsure ham ${unsureHam}` };
}

/** bogofilter's result on the same two folds, for comparison. */
export function bogofilterCrossValidation(train: readonly CorpusMessage[]): number {
  const results: { isSpam: boolean; outcome: Outcome }[] = [];
  for (const fold of [0, 1]) {
    const inFold = (m: CorpusMessage) => (parseInt(m.md5[1], 16) < 8 ? 0 : 1) === fold;
    const validation = train.filter(inFold);
    const run = runBogofilter('bogofilter', train.filter((m) => !inFold(m)), validation);
    validation.forEach((m, i) => results.push({ isSpam: m.isSpam, outcome: run.outcomes[i] }));
  }
  const { cost, detail } = costOf(results);
  console.log(`bogofilter on the same folds: ${detail}, cost ${cost}`);
  return results.filter((r) => !r.isSpam && r.outcome === 'spam').length;
}

/** Word list trained on every mail except those of `fold`. */
function countsWithout(mails: readonly Tokenized[], fold: number): MemoryTokenCounts {
  const counts = new MemoryTokenCounts();
  for (const m of mails) if (m.fold !== fold) counts.apply(trainingDelta(m.tokens, m.isSpam ? 'spam' : 'ham'));
  return counts;
}
