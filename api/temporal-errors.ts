import { isGrpcServiceError, QueryNotRegisteredError, ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { notFound, Problem, refused, unavailable } from './problem';

// gRPC status codes (google.rpc.Code) the API tells apart.
const GrpcStatus = { CANCELLED: 1, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, UNAVAILABLE: 14 } as const;

/** How long any one call to Temporal may take before the API answers 503 instead of hanging. */
export const TEMPORAL_CALL_MS = 10_000;

/** The ticket's workflow exists but cannot answer now (it cannot replay, or Temporal gave up waiting): callers may fall back to the read model. */
export class WorkflowCannotAnswer extends Problem {}

function workflowCannotAnswer(why: string): Problem {
  return new WorkflowCannotAnswer(503, 'Service unavailable', `the ticket's workflow cannot answer: ${why}`);
}

/** Translates what the Temporal client throws into the API's problem details. */
export function problemFromTemporal(error: unknown, number?: string): Problem | undefined {
  if (error instanceof Problem) return error;
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    return refused(error.cause.message);
  }
  // A workflow that cannot replay its history (a code change broke determinism) cannot answer either.
  if (error instanceof QueryNotRegisteredError) return workflowCannotAnswer(error.message);
  if (error instanceof WorkflowNotFoundError) return notFound(`ticket ${number ?? ''} has no running workflow`.replace('  ', ' '));
  const grpc = grpcCode(error);
  if (grpc === GrpcStatus.NOT_FOUND) return notFound(`ticket ${number} not found`);
  if (grpc === GrpcStatus.DEADLINE_EXCEEDED || grpc === GrpcStatus.CANCELLED) {
    return unavailable(`Temporal did not answer within ${TEMPORAL_CALL_MS / 1000}s (is the worker running?)`);
  }
  if (grpc === GrpcStatus.UNAVAILABLE) return unavailable('Temporal cannot be reached');
  return undefined;
}

function grpcCode(error: unknown): number | undefined {
  if (isGrpcServiceError(error)) return error.code;
  if (error instanceof ServiceError && isGrpcServiceError(error.cause)) return error.cause.code;
  if (error instanceof Error && isGrpcServiceError(error.cause)) return error.cause.code;
  return undefined;
}

/** True for errors of the database driver that mean "PostgreSQL is not there". */
export function isDatabaseDown(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  const message = error instanceof Error ? error.message : '';
  return (
    // 57014: cancelled by statement_timeout (the API's pool gives up on stalled queries).
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '57014', '08006', '08001'].includes(code ?? '') ||
    /timeout exceeded when trying to connect|Connection terminated|Query read timeout/i.test(message)
  );
}
