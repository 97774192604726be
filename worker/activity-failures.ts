// Every activity of the desk runs through this: an error that no retry can fix
// leaves as a non-retryable DataFailure at once (or, for an error of unknown
// kind, after a few attempts), so that Temporal does not retry it without end
// while the ticket or the mail waits behind it. Outages are left to the retry
// policy, which waits them out. The activity's own ApplicationFailures (a mail
// the server refused, a send in progress) already say what they are.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { DATA_FAILURE, UNKNOWN_FAILURE_ATTEMPTS } from '../workflows/activity-contracts';
import { failureKindOf } from './failure-kinds';

export const activityFailures: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (error) {
        throw asFinalWhereHopeless(error, ctx);
      }
    },
  },
});

function asFinalWhereHopeless(error: unknown, ctx: Context): unknown {
  const { attempt, activityType: activity } = ctx.info;
  if (error instanceof ApplicationFailure) return error;
  const kind = failureKindOf(error);
  if (kind === 'outage') return error;
  if (kind === 'unknown' && attempt < UNKNOWN_FAILURE_ATTEMPTS) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const why = kind === 'data' ? 'its input was refused' : `it failed ${attempt} times`;
  ctx.log.error(`${activity} gave up: ${why}: ${reason}`, { activity, attempt });
  return ApplicationFailure.create({
    type: DATA_FAILURE,
    message: `${activity}: ${why}: ${reason}`.slice(0, 1000),
    nonRetryable: true,
    cause: error instanceof Error ? error : undefined,
  });
}
