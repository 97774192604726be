import { describe, expect, it } from 'vitest';
import {
  BOGOFILTER_DEFAULTS,
  chiSquareSurvival,
  score,
  tokenProbability,
  trainingDelta,
  type ScoringOptions,
} from '../../activities/spam/classifier';
import { MemoryTokenCounts } from '../../activities/spam/memory-counts';

const options: ScoringOptions = BOGOFILTER_DEFAULTS;

describe('chiSquareSurvival', () => {
  it('matches the closed form for two degrees of freedom', () => {
    expect(chiSquareSurvival(2, 2)).toBeCloseTo(Math.exp(-1), 12);
    expect(chiSquareSurvival(7.3, 2)).toBeCloseTo(Math.exp(-3.65), 12);
  });

  it('matches the series for four degrees of freedom', () => {
    const m = 3;
    expect(chiSquareSurvival(2 * m, 4)).toBeCloseTo(Math.exp(-m) * (1 + m), 12);
  });

  it('is 1 at zero and stays finite with hundreds of tokens', () => {
    expect(chiSquareSurvival(0, 10)).toBe(1);
    const p = chiSquareSurvival(1000, 1000); // at the mean: about one half
    expect(Number.isFinite(p)).toBe(true);
    expect(p).toBeGreaterThan(0.4);
    expect(p).toBeLessThan(0.6);
    expect(chiSquareSurvival(5000, 200)).toBeLessThan(1e-100);
  });
});

describe('tokenProbability', () => {
  it("applies Robinson's formula f = (s·x + n·p) / (s + n)", () => {
    const s = 0.5;
    const x = 0.4;
    // spam ratio 3/10, ham ratio 1/20 → p = 0.3 / 0.35
    const p = 0.3 / 0.35;
    const expected = (s * x + 4 * p) / (s + 4);
    expect(tokenProbability({ spam: 3, ham: 1 }, 10, 20, { robs: s, robx: x })).toBeCloseTo(expected, 12);
  });

  it('falls back to the prior for unseen tokens', () => {
    expect(tokenProbability(undefined, 10, 10, options)).toBe(options.robx);
    expect(tokenProbability({ spam: 0, ham: 0 }, 10, 10, options)).toBe(options.robx);
  });
});

function trainedCounts(): MemoryTokenCounts {
  const counts = new MemoryTokenCounts();
  const spams = [
    ['viagra', 'cheap', 'offer', 'url:pills.example', 'click'],
    ['viagra', 'cheap', 'winner', 'url:pills.example', 'click'],
    ['cheap', 'offer', 'winner', 'click', 'unsubscribe'],
    ['特価', 'セー', 'ール', 'cheap', 'click'],
  ];
  const hams = [
    ['meeting', 'agenda', 'ticket', 'printer', 'thanks'],
    ['meeting', 'invoice', 'ticket', 'thanks', 'click'],
    ['printer', 'toner', 'ticket', 'thanks'],
    ['問い', '合わ', 'わせ', 'ticket', 'thanks'],
  ];
  for (let round = 0; round < 3; round++) {
    for (const tokens of spams) counts.apply(trainingDelta(tokens, 'spam'));
    for (const tokens of hams) counts.apply(trainingDelta(tokens, 'ham'));
  }
  return counts;
}

describe('score', () => {
  const counts = trainedCounts();

  it('calls a message made of spam tokens spam', () => {
    const result = score(['viagra', 'cheap', 'winner', 'url:pills.example', 'hello'], counts, options);
    expect(result.outcome).toBe('spam');
    expect(result.score).toBeGreaterThan(0.99);
  });

  it('calls a message made of ham tokens ham', () => {
    const result = score(['meeting', 'ticket', 'printer', 'thanks', 'hello'], counts, options);
    expect(result.outcome).toBe('ham');
    expect(result.score).toBeLessThan(0.01);
  });

  it('is unsure about a message of unknown tokens, scoring it at the prior', () => {
    const result = score(['completely', 'unknown', 'words'], counts, options);
    expect(result.outcome).toBe('unsure');
    expect(result.score).toBe(options.robx);
    expect(result.clues).toEqual([]);
  });

  it('is unsure when the evidence is balanced', () => {
    const result = score(['viagra', 'cheap', 'meeting', 'ticket'], counts, options);
    expect(result.outcome).toBe('unsure');
    expect(result.score).toBeGreaterThan(options.hamCutoff);
    expect(result.score).toBeLessThan(options.spamCutoff);
  });

  it('learns Japanese bigrams like any other token', () => {
    expect(score(['特価', 'セー', 'ール'], counts, options).outcome).toBe('spam');
    expect(score(['問い', '合わ', 'わせ'], counts, options).outcome).toBe('ham');
  });

  it('lists at most ten clues, most telling first, leaving out neutral tokens', () => {
    const tokens = ['viagra', 'cheap', 'offer', 'winner', 'click', 'meeting', 'ticket', 'printer', 'thanks', 'agenda',
      'toner', 'invoice', 'unsubscribe', 'unknown'];
    const { clues } = score(tokens, counts, options);
    expect(clues).toHaveLength(10);
    const deviations = clues.map((c) => Math.abs(c.probability - 0.5));
    expect(deviations).toEqual([...deviations].sort((a, b) => b - a));
    expect(clues.map((c) => c.token)).not.toContain('unknown');
    // 'click' is in 4 of 4 spams and 1 of 4 hams: telling, but less than the rest
    expect(clues.map((c) => c.token)).not.toContain('click');
  });

  it('moves the outcome with the cutoffs', () => {
    const tokens = ['viagra', 'cheap', 'meeting', 'ticket', 'winner'];
    const s = score(tokens, counts, options).score;
    expect(score(tokens, counts, { ...options, spamCutoff: s }).outcome).toBe('spam');
    expect(score(tokens, counts, { ...options, spamCutoff: 0.999, hamCutoff: s }).outcome).toBe('ham');
  });

  it('combines only the maxTokens most telling tokens', () => {
    const tokens = ['viagra', 'meeting', 'ticket', 'thanks', 'printer'];
    const all = score(tokens, counts, options).score;
    const capped = score(tokens, counts, { ...options, maxTokens: 1 });
    expect(capped.score).not.toBeCloseTo(all, 6);
    expect(capped.clues).toHaveLength(5); // clues are still reported
  });
});

describe('trainingDelta', () => {
  const tokens = ['cheap', 'viagra'];

  it('adds a message to one side', () => {
    expect(trainingDelta(tokens, 'spam')).toEqual({ spam: 1, ham: 0, tokens });
    expect(trainingDelta(tokens, 'ham', null)).toEqual({ spam: 0, ham: 1, tokens });
  });

  it('changes nothing when the same message is trained twice with the same verdict', () => {
    const counts = new MemoryTokenCounts();
    counts.apply(trainingDelta(tokens, 'spam'));
    const delta = trainingDelta(tokens, 'spam', 'spam');
    expect(delta).toEqual({ spam: 0, ham: 0, tokens: [] });
    counts.apply(delta);
    expect(counts.spamMessages).toBe(1);
    expect(counts.get('cheap')).toEqual({ spam: 1, ham: 0 });
  });

  it('moves the counts when a message is re-trained with the other verdict', () => {
    const counts = new MemoryTokenCounts();
    counts.apply(trainingDelta(['cheap', 'meeting'], 'ham'));
    counts.apply(trainingDelta(tokens, 'spam'));
    counts.apply(trainingDelta(tokens, 'ham', 'spam'));
    expect(counts.spamMessages).toBe(0);
    expect(counts.hamMessages).toBe(2);
    expect(counts.get('cheap')).toEqual({ spam: 0, ham: 2 });
    expect(counts.get('viagra')).toEqual({ spam: 0, ham: 1 });
  });

  it('forgets a message with a null verdict', () => {
    const counts = new MemoryTokenCounts();
    counts.apply(trainingDelta(tokens, 'ham'));
    counts.apply(trainingDelta(tokens, null, 'ham'));
    expect(counts.hamMessages).toBe(0);
    expect(counts.get('cheap')).toBeUndefined();
    expect(counts.size).toBe(0);
  });
});
