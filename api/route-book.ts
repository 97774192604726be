import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Actor, Role } from '../workflows/ticket-types';
import type { ApiEnv } from './env';
import type { IdempotencyKeys } from './idempotency';
import { Problem } from './problem';
import { readBody, readParams, readQuery, requireJsonBody } from './validation';

/** A 2xx answer: what it is, and (for /openapi.json) its JSON shape. */
export type ResponseSpec = string | { description: string; schema?: z.ZodType; contentType?: string };

export interface RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Hono path syntax, e.g. /api/tickets/:number/close */
  path: string;
  /** Names the action in the audit log and the OpenAPI document. */
  action: string;
  summary: string;
  roles: readonly Role[];
  body?: B;
  query?: Q;
  /** A body that is not JSON (e.g. message/rfc822): documented, read by the handler itself. */
  rawBody?: string;
  responses?: Record<number, ResponseSpec>;
}

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface RouteInput<B, Q> {
  c: Context<ApiEnv>;
  actor: Actor;
  /** The path's parameters, e.g. `number` for /api/tickets/:number (checked: see readParams). */
  params: Record<string, string>;
  body: B;
  query: Q;
}

/**
 * Registers routes on a Hono app and remembers them, so that the same zod
 * schemas validate requests and describe them in /openapi.json.
 *
 * Every route runs the same steps in this order: who (401), may they (403),
 * the path's parameters (400/404), the body's type (415), the query (400),
 * then the Idempotency-Key (a stored answer is replayed only to a caller the
 * role check has let through), the body (400) and the handler.
 */
export class RouteBook {
  readonly routes: RouteSpec<z.ZodType | undefined, z.ZodType | undefined>[] = [];

  constructor(
    private readonly app: Hono<ApiEnv>,
    private readonly options: { idempotency?: IdempotencyKeys } = {},
  ) {}

  add<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
    spec: RouteSpec<B, Q>,
    handler: (input: RouteInput<Infer<B>, Infer<Q>>) => Promise<Response>,
  ): void {
    this.routes.push(spec);
    this.app[spec.method](spec.path, async (c) => {
      c.set('action', spec.action);
      const number = c.req.param('number');
      // Only a well-formed number goes into the audit log's ticket column.
      if (number && /^\d{1,20}$/.test(number)) c.set('ticketNumber', number);
      const actor = c.get('actor');
      if (!actor) throw new Problem(401, 'Unauthenticated', 'a bearer token is required');
      if (!spec.roles.includes(actor.role)) {
        throw new Problem(403, 'Forbidden', `role ${actor.role} may not ${spec.summary.toLowerCase()}; allowed: ${spec.roles.join(', ')}`);
      }
      const params = readParams(c);
      if (spec.body) requireJsonBody(c);
      const query = (spec.query ? readQuery(c, spec.query) : undefined) as Infer<Q>;
      const run = async () => {
        const body = (spec.body ? await readBody(c, spec.body) : undefined) as Infer<B>;
        return handler({ c, actor, body, query, params });
      };
      return this.options.idempotency ? this.options.idempotency.run(c, actor, run) : run();
    });
  }
}
