// Training without an in-memory word list: what the API and the seeding
// command need. Workers' copies hear of it through NOTIFY.

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Verdict } from './classifier';
import { tokenize, type MessageForTokens } from './tokenize';
import type { TrainingOutcome } from './training-plan';
import { trainWordList, type TrainingResult } from './word-list-store';

export interface MessageToTrain {
  key: string;
  message: MessageForTokens;
  verdict: Verdict;
}

export interface SpamTrainer {
  /** Trains one message; the same key and verdict twice counts once, the other verdict moves its counts. */
  train(key: string, message: MessageForTokens, verdict: Verdict): Promise<TrainingOutcome>;
  /** Trains many messages in one transaction (bulk seeding). */
  trainMany(messages: readonly MessageToTrain[]): Promise<TrainingResult>;
}

export function spamTrainer(db: Kysely<Database>): SpamTrainer {
  const trainMany = (messages: readonly MessageToTrain[]) =>
    trainWordList(
      db,
      messages.map(({ key, message, verdict }) => ({ key, verdict, tokens: tokenize(message) })),
    );
  return {
    trainMany,
    async train(key, message, verdict) {
      const { outcomes } = await trainMany([{ key, message, verdict }]);
      return outcomes[0];
    },
  };
}
