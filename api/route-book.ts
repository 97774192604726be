import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Actor, Role } from '../workflows/ticket-types';
import type { ApiEnv } from './env';
import { Problem } from './problem';
import { readBody, readQuery } from './validation';

export interface RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  method: 'get' | 'post';
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
  responses?: Record<number, string>;
}

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface RouteInput<B, Q> {
  c: Context<ApiEnv>;
  actor: Actor;
  /** The path's parameters, e.g. `number` for /api/tickets/:number. */
  params: Record<string, string>;
  body: B;
  query: Q;
}

/**
 * Registers routes on a Hono app and remembers them, so that the same zod
 * schemas validate requests and describe them in /openapi.json.
 */
export class RouteBook {
  readonly routes: RouteSpec<z.ZodType | undefined, z.ZodType | undefined>[] = [];

  constructor(private readonly app: Hono<ApiEnv>) {}

  add<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
    spec: RouteSpec<B, Q>,
    handler: (input: RouteInput<Infer<B>, Infer<Q>>) => Promise<Response>,
  ): void {
    this.routes.push(spec);
    this.app[spec.method](spec.path, async (c) => {
      c.set('action', spec.action);
      const number = c.req.param('number');
      if (number) c.set('ticketNumber', number);
      const actor = c.get('actor');
      if (!actor) throw new Problem(401, 'Unauthenticated', 'a bearer token is required');
      if (!spec.roles.includes(actor.role)) {
        throw new Problem(403, 'Forbidden', `role ${actor.role} may not ${spec.summary.toLowerCase()}; allowed: ${spec.roles.join(', ')}`);
      }
      const body = (spec.body ? await readBody(c, spec.body) : undefined) as Infer<B>;
      const query = (spec.query ? readQuery(c, spec.query) : undefined) as Infer<Q>;
      return handler({ c, actor, body, query, params: c.req.param() as Record<string, string> });
    });
  }
}
