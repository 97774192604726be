import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An error the API answers as RFC 9457 problem details. */
export class Problem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

const TYPES: Record<number, string> = {
  400: 'invalid-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'refused-by-ticket',
  413: 'too-large',
  415: 'unsupported-media-type',
  422: 'idempotency-key-mismatch',
  503: 'dependency-unavailable',
  500: 'internal-error',
};

export function problemResponse(c: Context, problem: Problem): Response {
  const body = {
    type: `https://helpdesk.example/problems/${TYPES[problem.status] ?? 'error'}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...problem.extra,
  };
  return c.json(body, problem.status, { 'content-type': 'application/problem+json' });
}

export const badRequest = (detail: string, extra?: Record<string, unknown>) => new Problem(400, 'Invalid request', detail, extra);
export const notFound = (detail: string) => new Problem(404, 'Not found', detail);
export const refused = (detail: string) => new Problem(409, 'Refused by the ticket', detail);
export const unavailable = (detail: string) => new Problem(503, 'Service unavailable', detail);
