import type { MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { ApiEnv } from './env';
import { badRequest, Problem } from './problem';

/**
 * `Idempotency-Key` on a POST: the first answer is kept per user and key, and
 * a retry with the same key gets it again instead of doing the work twice (an
 * integrator whose connection dropped after sending a new ticket). Answers of
 * 5xx are not kept: the client should retry them.
 */
export function idempotentPosts(db: Kysely<Database>): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    const actor = c.get('actor');
    if (c.req.method !== 'POST' || !key || !actor) return next();
    if (key.length > 200) throw badRequest('Idempotency-Key: at most 200 characters', { field: 'Idempotency-Key' });
    const request = `${c.req.method} ${c.req.path}`;
    const claimed = await db
      .insertInto('idempotency_keys')
      .values({ user_name: actor.user, key, request })
      .onConflict((oc) => oc.columns(['user_name', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed && !(await takeOverAbandoned(db, actor.user, key, request))) return replay(db, actor.user, key, request);

    try {
      await next();
    } catch (error) {
      await forget(db, actor.user, key);
      throw error;
    }
    if (c.res.status >= 500) return forget(db, actor.user, key);
    const body = await c.res.clone().text();
    await db.updateTable('idempotency_keys').set({ status: c.res.status, response: body }).where('user_name', '=', actor.user).where('key', '=', key).execute();
  };
}

async function replay(db: Kysely<Database>, user: string, key: string, request: string): Promise<Response> {
  const first = await db.selectFrom('idempotency_keys').selectAll().where('user_name', '=', user).where('key', '=', key).executeTakeFirstOrThrow();
  if (first.request !== request) {
    throw new Problem(409, 'Idempotency-Key reused', `this Idempotency-Key was used for ${first.request}, not ${request}`);
  }
  if (first.status === null) throw new Problem(409, 'Request in progress', 'a request with this Idempotency-Key is still being handled; retry shortly');
  const contentType = first.status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(first.response, { status: first.status, headers: { 'content-type': contentType, 'idempotent-replay': 'true' } });
}

/** A claim left unanswered this long belongs to a request that died with its process: a retry may take it over. */
const ABANDONED_AFTER_MS = 2 * 60_000;

async function takeOverAbandoned(db: Kysely<Database>, user: string, key: string, request: string): Promise<boolean> {
  const taken = await db
    .updateTable('idempotency_keys')
    .set({ created_at: new Date() })
    .where('user_name', '=', user)
    .where('key', '=', key)
    .where('request', '=', request)
    .where('status', 'is', null)
    .where('created_at', '<', new Date(Date.now() - ABANDONED_AFTER_MS))
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) > 0;
}

async function forget(db: Kysely<Database>, user: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('user_name', '=', user).where('key', '=', key).execute();
}
