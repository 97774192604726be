import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/**
 * An activity that failed for good. A regular activity's failure reaches the
 * workflow as an ActivityFailure; a local activity's as the ApplicationFailure
 * it threw, unwrapped (the SDK's core does not wrap it: sdk-core issue 449).
 * Catch sites call only activities, so an ApplicationFailure there is one.
 */
export function failedForGood(error: unknown): error is ActivityFailure | ApplicationFailure {
  return error instanceof ActivityFailure || error instanceof ApplicationFailure;
}

/** What an activity that failed for good said, for the ticket's history and the log. */
export const failureReason = (error: ActivityFailure | ApplicationFailure): string =>
  error instanceof ActivityFailure && error.cause instanceof Error ? error.cause.message : error.message;
