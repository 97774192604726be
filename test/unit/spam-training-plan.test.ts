import { describe, expect, it } from 'vitest';
import { MemoryTokenCounts } from '../../activities/spam/memory-counts';
import { planTraining, sumDeltas, type TrainedMessage } from '../../activities/spam/training-plan';

const none = new Map<string, TrainedMessage>();

function countsAfter(...plans: ReturnType<typeof planTraining>[]): MemoryTokenCounts {
  const counts = new MemoryTokenCounts();
  for (const plan of plans) for (const delta of plan.deltas) counts.apply(delta);
  return counts;
}

describe('planTraining', () => {
  it('learns a new message and writes its record', () => {
    const plan = planTraining([{ key: 'raw:1', tokens: ['cheap', 'pills'], verdict: 'spam' }], none);
    expect(plan.outcomes).toEqual(['learned']);
    expect(plan.records.get('raw:1')).toEqual({ verdict: 'spam', tokens: ['cheap', 'pills'] });
    const counts = countsAfter(plan);
    expect(counts.get('cheap')).toEqual({ spam: 1, ham: 0 });
    expect(counts.spamMessages).toBe(1);
  });

  it('counts the same key and verdict once', () => {
    const before = new Map([['raw:1', { verdict: 'spam' as const, tokens: ['cheap'] }]]);
    const plan = planTraining([{ key: 'raw:1', tokens: ['cheap'], verdict: 'spam' }], before);
    expect(plan).toEqual({ deltas: [], records: new Map(), outcomes: ['unchanged'] });
  });

  it('moves the counts the record says were counted when the verdict flips', () => {
    const before = new Map([['raw:1', { verdict: 'spam' as const, tokens: ['cheap', 'pills'] }]]);
    // The tokenizer has changed since: the new tokens differ, the counted ones move.
    const plan = planTraining([{ key: 'raw:1', tokens: ['cheap', 'tablets'], verdict: 'ham' }], before);
    expect(plan.outcomes).toEqual(['moved']);
    expect(plan.deltas).toEqual([{ spam: -1, ham: 1, tokens: ['cheap', 'pills'] }]);
    expect(plan.records.get('raw:1')).toEqual({ verdict: 'ham', tokens: ['cheap', 'pills'] });
  });

  it('plans a key repeated within one batch in order', () => {
    const plan = planTraining(
      [
        { key: 'a', tokens: ['x'], verdict: 'spam' },
        { key: 'a', tokens: ['x'], verdict: 'spam' },
        { key: 'a', tokens: ['x'], verdict: 'ham' },
      ],
      none,
    );
    expect(plan.outcomes).toEqual(['learned', 'unchanged', 'moved']);
    const counts = countsAfter(plan);
    expect(counts.get('x')).toEqual({ spam: 0, ham: 1 });
    expect([counts.spamMessages, counts.hamMessages]).toEqual([0, 1]);
  });
});

describe('sumDeltas', () => {
  it('sums per token and drops tokens whose changes cancel out', () => {
    const change = sumDeltas([
      { spam: 1, ham: 0, tokens: ['a', 'b'] },
      { spam: 0, ham: 1, tokens: ['b', 'c'] },
      { spam: -1, ham: 0, tokens: ['a'] },
    ]);
    expect([change.spamMessages, change.hamMessages]).toEqual([0, 1]);
    expect(Object.fromEntries(change.tokens)).toEqual({ b: { spam: 1, ham: 1 }, c: { spam: 0, ham: 1 } });
  });

  it('gives the same counts as applying the deltas one by one', () => {
    const plan = planTraining(
      [
        { key: 'm1', tokens: ['a', 'b'], verdict: 'spam' },
        { key: 'm2', tokens: ['b', 'c'], verdict: 'ham' },
        { key: 'm1', tokens: ['a', 'b'], verdict: 'ham' },
      ],
      none,
    );
    const oneByOne = countsAfter(plan);
    const summed = sumDeltas(plan.deltas);
    for (const token of ['a', 'b', 'c']) expect(summed.tokens.get(token)).toEqual(oneByOne.get(token));
    expect([summed.spamMessages, summed.hamMessages]).toEqual([oneByOne.spamMessages, oneByOne.hamMessages]);
  });
});
