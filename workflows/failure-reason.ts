import type { ActivityFailure } from '@temporalio/workflow';

/** What an activity that failed for good said, for the ticket's history and the log. */
export const failureReason = (error: ActivityFailure): string => (error.cause instanceof Error ? error.cause.message : error.message);
