import { describe, expect, it } from 'vitest';
import { guardWhileLearning, MIN_TRAINED_EACH } from '../../activities/spam/first-days';

const spam = { score: 0.99, outcome: 'spam' as const, clues: [] };

describe('guardWhileLearning', () => {
  it('a new word list never calls a mail spam: unsure, so an agent decides', () => {
    expect(guardWhileLearning(spam, { spamMessages: 1, hamMessages: 0 }).outcome).toBe('unsure');
    expect(guardWhileLearning(spam, { spamMessages: 500, hamMessages: MIN_TRAINED_EACH - 1 }).outcome).toBe('unsure');
  });

  it('once both kinds are learnt, the verdict stands; ham and unsure are never changed', () => {
    expect(guardWhileLearning(spam, { spamMessages: MIN_TRAINED_EACH, hamMessages: MIN_TRAINED_EACH })).toEqual(spam);
    const ham = { score: 0.1, outcome: 'ham' as const, clues: [] };
    expect(guardWhileLearning(ham, { spamMessages: 0, hamMessages: 0 })).toEqual(ham);
  });
});
