// What a batch of trainings does to the word list (pure): which deltas to
// apply and which message records to write, given how each message key was
// trained before.

import { trainingDelta, type TokenCount, type TrainingDelta, type Verdict } from './classifier';

export interface TrainingRequest {
  /** Stable key of the message: `raw:<id>`, `article:<id>`, `seed:<sha256>`. */
  key: string;
  tokens: readonly string[];
  verdict: Verdict;
}

/** How a message key was trained, as remembered in spam_trained_messages. */
export interface TrainedMessage {
  verdict: Verdict;
  tokens: readonly string[];
}

/** learned: first training; unchanged: same verdict again; moved: the other verdict, counts moved over. */
export type TrainingOutcome = 'learned' | 'unchanged' | 'moved';

export interface TrainingPlan {
  /** Deltas in the order they apply; empty when nothing changes. */
  deltas: TrainingDelta[];
  /** The records to write, by key (only keys whose training changed). */
  records: Map<string, TrainedMessage>;
  /** One per request, in request order. */
  outcomes: TrainingOutcome[];
}

/**
 * Plans `requests` (in order; a key may repeat) against the records of earlier
 * trainings. A flipped verdict moves the tokens counted the first time, not
 * the new ones: the counts then hold exactly what the record says was counted,
 * even if the tokenizer changed in between.
 */
export function planTraining(requests: readonly TrainingRequest[], previous: ReadonlyMap<string, TrainedMessage>): TrainingPlan {
  const known = new Map(previous);
  const plan: TrainingPlan = { deltas: [], records: new Map(), outcomes: [] };
  for (const { key, tokens, verdict } of requests) {
    const before = known.get(key);
    const counted = before ? before.tokens : tokens;
    const delta = trainingDelta(counted, verdict, before?.verdict);
    if (delta.spam === 0 && delta.ham === 0) {
      plan.outcomes.push('unchanged');
      continue;
    }
    const record = { verdict, tokens: counted };
    known.set(key, record);
    plan.records.set(key, record);
    plan.deltas.push(delta);
    plan.outcomes.push(before ? 'moved' : 'learned');
  }
  return plan;
}

/** The deltas of a plan summed up per token and for the message totals: one row change per token. */
export interface WordListChange {
  spamMessages: number;
  hamMessages: number;
  tokens: Map<string, TokenCount>;
}

export function sumDeltas(deltas: readonly TrainingDelta[]): WordListChange {
  const change: WordListChange = { spamMessages: 0, hamMessages: 0, tokens: new Map() };
  for (const delta of deltas) {
    change.spamMessages += delta.spam;
    change.hamMessages += delta.ham;
    for (const token of delta.tokens) {
      const count = change.tokens.get(token);
      if (count) {
        count.spam += delta.spam;
        count.ham += delta.ham;
      } else {
        change.tokens.set(token, { spam: delta.spam, ham: delta.ham });
      }
    }
  }
  for (const [token, count] of change.tokens) if (count.spam === 0 && count.ham === 0) change.tokens.delete(token);
  return change;
}
