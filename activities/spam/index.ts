// The spam filter's activities and the pieces the rest of the product wires.

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { ticketLog } from '../../lib/log';
import type { SpamFilter } from './spam-filter';
import { firstInboundArticleId, trainableArticle } from './trainable-message';

export type { SpamFilter } from './spam-filter';

export interface TrainTicketAsSpamResult {
  /** The training key used (`raw:<id>` or `article:<id>`), or null when the ticket has no inbound message. */
  key: string | null;
}

export function spamActivities(filter: SpamFilter, db: Kysely<Database>) {
  return {
    /**
     * A ticket was marked as spam: learn the message that opened it (its raw
     * mail when it came by mail). Retrying is harmless: the same key and verdict count once.
     */
    async trainTicketAsSpam({ number }: { number: string }): Promise<TrainTicketAsSpamResult> {
      const articleId = await firstInboundArticleId(db, number);
      const trainable = articleId ? await trainableArticle(db, articleId) : undefined;
      if (!trainable) {
        ticketLog(number).warn('marked as spam, but the ticket has no inbound message to learn from');
        return { key: null };
      }
      await filter.train(trainable.key, trainable.message, 'spam');
      return { key: trainable.key };
    },
  };
}
