import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { ApiEnv } from './env';
import { log } from '../lib/log';
import type { Actor } from '../workflows/ticket-types';
import { badRequest, Problem, problemResponse } from './problem';
import { stringProblem } from '../workflows/text-rules';

/**
 * How long an Idempotency-Key is remembered: a retry within 24 hours of the
 * first request gets the first answer; after that the key is free again (the
 * same key then starts a new request). Old rows are deleted as requests come.
 */
const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;
/** A claim left unanswered this long belongs to a request that died with its process: a retry may take it over. */
const ABANDONED_AFTER_MS = 2 * 60_000;
/** Each API process deletes expired keys at most this often, when a request with a key comes. */
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * `Idempotency-Key` on a POST (or PATCH): the first answer is kept per user and key, and
 * a retry with the same key gets it again instead of doing the work twice (an
 * integrator whose connection dropped after sending a new ticket). Answers of
 * 5xx are not kept: the client should retry them.
 *
 * The route book calls this after the route's role check, so a stored answer
 * is only ever replayed to a caller who may make that request; the key is
 * bound to the request (method, path and a SHA-256 of the body): the same key
 * on another route is 409, with another body 422.
 */
export class IdempotencyKeys {
  private lastSweep = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async run(c: Context<ApiEnv>, actor: Actor, work: () => Promise<Response>): Promise<Response> {
    const key = c.req.header('idempotency-key');
    if ((c.req.method !== 'POST' && c.req.method !== 'PATCH') || key === undefined) return work();
    const problem = key === '' ? 'must not be empty' : key.length > 200 ? 'at most 200 characters' : stringProblem(key);
    if (problem) throw badRequest(`Idempotency-Key: ${problem}`, { field: 'Idempotency-Key' });
    const request = `${c.req.method} ${c.req.path}`;
    const hash = createHash('sha256').update(`${request}\n`).update(new Uint8Array(await c.req.arrayBuffer())).digest('hex');
    this.sweep();
    // A retry after a 5xx runs the work again: an article it stores is found by this, not stored twice.
    c.set('requestKey', `request:${createHash('sha256').update(`${actor.user}\n${key}\n${hash}`).digest('hex')}`);

    if (!(await this.claim(actor.user, key, request, hash))) return this.replay(actor.user, key, request, hash);
    let response: Response;
    try {
      response = await work();
    } catch (error) {
      // A refusal (4xx) is an answer like any other and is kept; anything else may go better next time.
      if (!(error instanceof Problem) || error.status >= 500) {
        await this.forget(actor.user, key);
        throw error;
      }
      response = problemResponse(c, error);
    }
    if (response.status >= 500) {
      await this.forget(actor.user, key);
      return response;
    }
    const body = await response.clone().text();
    await this.db
      .updateTable('idempotency_keys')
      .set({ status: response.status, response: body })
      .where('user_name', '=', actor.user)
      .where('key', '=', key)
      .execute();
    return response;
  }

  /** Takes the key for this request: new, expired, or abandoned by a request that died. */
  private async claim(user: string, key: string, request: string, hash: string): Promise<boolean> {
    const now = new Date(this.now());
    const expired = new Date(this.now() - IDEMPOTENCY_KEY_TTL_MS);
    const abandoned = new Date(this.now() - ABANDONED_AFTER_MS);
    const claimed = await this.db
      .insertInto('idempotency_keys')
      .values({ user_name: user, key, request, request_hash: hash, created_at: now })
      .onConflict((oc) =>
        oc
          .columns(['user_name', 'key'])
          .doUpdateSet({ request, request_hash: hash, status: null, response: null, created_at: now })
          .where((eb) =>
            eb.or([
              eb('idempotency_keys.created_at', '<', expired),
              eb.and([
                eb('idempotency_keys.status', 'is', null),
                eb('idempotency_keys.created_at', '<', abandoned),
                eb('idempotency_keys.request', '=', request),
                eb.or([eb('idempotency_keys.request_hash', '=', hash), eb('idempotency_keys.request_hash', 'is', null)]),
              ]),
            ]),
          ),
      )
      .returning('key')
      .executeTakeFirst();
    return claimed !== undefined;
  }

  private async replay(user: string, key: string, request: string, hash: string): Promise<Response> {
    const first = await this.db.selectFrom('idempotency_keys').selectAll().where('user_name', '=', user).where('key', '=', key).executeTakeFirst();
    if (!first) throw new Problem(409, 'Request in progress', 'a request with this Idempotency-Key has just ended; retry');
    if (first.request !== request) {
      throw new Problem(409, 'Idempotency-Key reused', `this Idempotency-Key was used for ${first.request}, not ${request}`);
    }
    if (first.request_hash !== null && first.request_hash !== hash) {
      throw new Problem(422, 'Idempotency-Key reused', 'this Idempotency-Key was used for the same route with a different body; use a new key for a new request');
    }
    if (first.status === null) throw new Problem(409, 'Request in progress', 'a request with this Idempotency-Key is still being handled; retry shortly');
    const contentType = first.status >= 400 ? 'application/problem+json' : 'application/json';
    return new Response(first.response, { status: first.status, headers: { 'content-type': contentType, 'idempotent-replay': 'true' } });
  }

  private async forget(user: string, key: string): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('user_name', '=', user).where('key', '=', key).execute();
  }

  /** Deletes expired keys, at most every SWEEP_EVERY_MS, without holding up the request. */
  private sweep(): void {
    if (this.now() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = this.now();
    const expired = new Date(this.now() - IDEMPOTENCY_KEY_TTL_MS);
    void this.db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', expired)
      .executeTakeFirst()
      .then((result) => {
        const deleted = Number(result.numDeletedRows);
        if (deleted > 0) log.debug({ deleted }, 'expired Idempotency-Keys deleted');
      })
      .catch((error) => log.warn({ err: error }, 'could not delete expired Idempotency-Keys'));
  }
}
