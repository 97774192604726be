import { ROLE_GROUPS } from './role-groups';
import { z } from 'zod';
import { spamTrainer } from '../activities/spam/spam-trainer';
import { trainableArticle, trainableRawMessage } from '../activities/spam/trainable-message';
import type { ApiDeps } from './env';
import { notFound } from './problem';
import * as responses from './response-schemas';
import type { RouteBook } from './route-book';
import { safeString } from './ticket-schemas';
import { rethrowDatabase } from './ticket-gateway';

const TRAINERS = ROLE_GROUPS.desk;

const id = (what: string) => safeString(z.string().regex(/^\d{1,18}$/, `${what} (digits)`));

const spamTrainBody = z
  .object({ articleId: id('an article id').optional(), rawMessageId: id('a raw message id').optional(), verdict: z.enum(['spam', 'ham']) })
  .strict()
  .refine((b) => (b.articleId === undefined) !== (b.rawMessageId === undefined), {
    message: 'give exactly one of articleId and rawMessageId',
    path: ['articleId'],
  });

/**
 * Agents correct the filter: a message trained under its key (`raw:<id>` for
 * a mail, `article:<id>` otherwise) counts once, and the other verdict later
 * moves its counts. The workers' in-memory word lists pick it up via NOTIFY.
 */
export function spamRoutes(book: RouteBook, deps: ApiDeps): void {
  const trainer = spamTrainer(deps.db);
  book.add(
    {
      method: 'post',
      path: '/api/spam/train',
      action: 'spam.train',
      summary: 'Train the spam filter on a message',
      roles: TRAINERS,
      body: spamTrainBody,
      responses: { 200: { description: '{key, verdict, outcome: learned | unchanged | moved}', schema: responses.spamTrained } },
    },
    async ({ c, body }) => {
      const trainable = await (body.articleId !== undefined
        ? trainableArticle(deps.db, body.articleId)
        : trainableRawMessage(deps.db, body.rawMessageId!)
      ).catch(rethrowDatabase);
      if (!trainable) {
        throw notFound(body.articleId !== undefined ? `no article ${body.articleId}` : `no raw message ${body.rawMessageId}`);
      }
      if (trainable.ticketNumber) c.set('ticketNumber', trainable.ticketNumber);
      const outcome = await trainer.train(trainable.key, trainable.message, body.verdict).catch(rethrowDatabase);
      return c.json({ key: trainable.key, verdict: body.verdict, outcome });
    },
  );
}
