import type { SpamScore, TokenCounts } from './classifier';

/**
 * How many spams and hams the word list must have learnt before the filter
 * may call a mail spam. Before that, a desk whose list holds a single spam
 * (one ticket marked as spam) would send every mail that shares a word with
 * it to Junk: a customer's mail lost to a new filter is worse than an agent
 * looking at a few unsure tickets. Seed a new desk with `npx helpdesk spam train`.
 */
export const MIN_TRAINED_EACH = 20;

/** Spam becomes unsure while the word list has learnt too little of either kind. */
export function guardWhileLearning(result: SpamScore, counts: Pick<TokenCounts, 'spamMessages' | 'hamMessages'>, minimum = MIN_TRAINED_EACH): SpamScore {
  const learning = counts.spamMessages < minimum || counts.hamMessages < minimum;
  return learning && result.outcome === 'spam' ? { ...result, outcome: 'unsure' } : result;
}
