// The API's token cache (api/tokens.ts cachedTokenLookup) on the real
// PostgreSQL: a token found once is not looked up again until the cache's
// lifetime is over, a token revoked in SQL is answered from the cache until
// then and refused after, unknown tokens are never cached, the cache stays
// within its size, and the real API refuses a revoked token within
// TOKEN_CACHE_TTL_MS. Statements are counted with Kysely's log hook.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { actorForToken, cachedTokenLookup, createToken, hashToken, revokeTokens, TOKEN_CACHE_TTL_MS } from '../../api/tokens';
import type { Database } from '../../db/schema';
import { startTestStack, type TestStack } from '../support/stack';

let db: Kysely<Database>;
let lookups = 0;
const run = randomBytes(4).toString('hex');

beforeAll(() => {
  db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: inject('databaseUrl'), max: 4 }) }),
    log: (event) => {
      if (event.level === 'query' && event.query.sql.includes('from "api_tokens"')) lookups++;
    },
  });
});

afterAll(() => db.destroy());

/** A cache on a clock the test moves. */
function cacheOnTestClock(maxEntries?: number) {
  let now = 1_000;
  const lookup = cachedTokenLookup(db, { now: () => now, ...(maxEntries ? { maxEntries } : {}) });
  return { lookup, advance: (ms: number) => (now += ms) };
}

const counted = async <T>(go: () => Promise<T>): Promise<{ value: T; queries: number }> => {
  const before = lookups;
  const value = await go();
  return { value, queries: lookups - before };
};

describe('the token cache', () => {
  it('looks a token up once, answers from memory until TOKEN_CACHE_TTL_MS, and refuses it once revoked in SQL after that', async () => {
    const user = `cache-${run}`;
    const token = await createToken(db, user, 'agent', 'L1');
    const { lookup, advance } = cacheOnTestClock();
    const alice = { user, role: 'agent', level: 'L1' };

    expect(await counted(() => lookup(token))).toEqual({ value: alice, queries: 1 });
    expect(await counted(async () => Promise.all(Array.from({ length: 20 }, () => lookup(token))))).toEqual({ value: Array(20).fill(alice), queries: 0 });

    // Revoked behind the cache's back, straight in SQL: the cached answer stands until the lifetime is over...
    await db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('token_hash', '=', hashToken(token)).execute();
    expect(await actorForToken(db, token)).toBeUndefined();
    advance(TOKEN_CACHE_TTL_MS - 1);
    expect(await counted(() => lookup(token))).toEqual({ value: alice, queries: 0 });
    // ...and not a millisecond longer.
    advance(1);
    expect(await counted(() => lookup(token))).toEqual({ value: undefined, queries: 1 });
    // A refusal is not cached: every try asks the database again.
    expect(await counted(() => lookup(token))).toEqual({ value: undefined, queries: 1 });
  });

  it('shares one query among lookups of one token at the same time, and never caches an unknown token', async () => {
    const token = await createToken(db, `cache-together-${run}`, 'manager');
    const { lookup } = cacheOnTestClock();
    const together = await counted(() => Promise.all(Array.from({ length: 10 }, () => lookup(token))));
    expect(together.queries).toBe(1);
    expect(together.value.every((actor) => actor?.user === `cache-together-${run}`)).toBe(true);

    const unknown = `hd_unknown_${run}`;
    expect(await counted(() => lookup(unknown))).toEqual({ value: undefined, queries: 1 });
    expect(await counted(() => lookup(unknown))).toEqual({ value: undefined, queries: 1 });
    // A token made after an unknown one was tried works at once.
    const fresh = await createToken(db, `cache-fresh-${run}`, 'manager');
    expect((await lookup(fresh))?.user).toBe(`cache-fresh-${run}`);
  });

  it('keeps at most maxEntries tokens, forgetting the oldest', async () => {
    const tokens = await Promise.all([0, 1, 2, 3].map((i) => createToken(db, `cache-size-${i}-${run}`, 'manager')));
    const { lookup } = cacheOnTestClock(3);
    for (const token of tokens) await lookup(token);
    // tokens[0] was pushed out by tokens[3]; the three newest are still known.
    expect((await counted(() => Promise.all(tokens.slice(1).map(lookup)))).queries).toBe(0);
    expect((await counted(() => lookup(tokens[0]))).queries).toBe(1);
  });

  it('a database error is not cached: the next lookup asks again', async () => {
    const broken = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 500 }) }) });
    try {
      const lookup = cachedTokenLookup(broken);
      await expect(lookup('hd_whatever')).rejects.toThrow();
      await expect(lookup('hd_whatever')).rejects.toThrow();
    } finally {
      await broken.destroy();
    }
  });

  it('measures a cached lookup against a database lookup', async () => {
    const token = await createToken(db, `cache-bench-${run}`, 'manager');
    const lookup = cachedTokenLookup(db);
    const N = 500;
    const time = async (go: () => Promise<unknown>) => {
      const started = performance.now();
      for (let i = 0; i < N; i++) await go();
      return (performance.now() - started) / N;
    };
    const uncached = await time(() => actorForToken(db, token));
    const cached = await time(() => lookup(token));
    console.log(`token lookup, mean of ${N}: PostgreSQL ${(uncached * 1000).toFixed(0)} µs, cached ${(cached * 1000).toFixed(1)} µs`);
    expect(cached).toBeLessThan(uncached);
  });
});

describe('the API', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  }, 300_000);
  afterAll(() => stack?.stop());

  it(`refuses a revoked token within ${TOKEN_CACHE_TTL_MS / 1000} s of the revocation`, async () => {
    const user = `cache-api-${run}`;
    const token = await createToken(stack.db, user, 'manager');
    const get = () => fetch(`${stack.apiUrl}/api/tickets`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await get()).toBe(200);
    expect(await revokeTokens(stack.db, { user })).toBe(1);
    const revokedAt = performance.now();
    // Every request begun after the revocation: accepted only while it began within the bound, refused from then on.
    let lastAccepted = 0;
    let refusedAfter: number | undefined;
    while (refusedAfter === undefined && performance.now() - revokedAt < TOKEN_CACHE_TTL_MS + 2_000) {
      const began = performance.now() - revokedAt;
      if ((await get()) === 200) lastAccepted = began;
      else refusedAfter = began;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(`revoked token: last accepted ${lastAccepted.toFixed(0)} ms and first refused ${refusedAfter?.toFixed(0)} ms after the revocation`);
    expect(refusedAfter).toBeDefined();
    expect(lastAccepted).toBeLessThan(TOKEN_CACHE_TTL_MS);
    // Refused is refused: no request after the first refusal is accepted again.
    expect(await get()).toBe(401);
  }, 30_000);
});
