import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Actor, Role, SupportLevel } from '../workflows/ticket-types';

// Bearer tokens: shown once at creation, stored only as a SHA-256 hash.

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createToken(db: Kysely<Database>, user: string, role: Role, level?: SupportLevel): Promise<string> {
  const token = `hd_${randomBytes(24).toString('base64url')}`;
  await db
    .insertInto('api_tokens')
    .values({ user_name: user, role, level: level ?? null, token_hash: hashToken(token) })
    .execute();
  return token;
}

export async function listTokens(db: Kysely<Database>) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'user_name', 'role', 'level', 'created_at', 'revoked_at'])
    .orderBy('id')
    .execute();
}

/** Revokes by token id, or every token of a user; answers how many were revoked. */
export async function revokeTokens(db: Kysely<Database>, which: { id?: string; user?: string }): Promise<number> {
  let query = db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('revoked_at', 'is', null);
  if (which.id) query = query.where('id', '=', which.id);
  else if (which.user) query = query.where('user_name', '=', which.user);
  else throw new Error('say which token: --id <id> or --user <name>');
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The token's actor, read from the database (no cache: see cachedTokenLookup for the API's). */
export function actorForToken(db: Kysely<Database>, token: string): Promise<Actor | undefined> {
  return actorForHash(db, hashToken(token));
}

async function actorForHash(db: Kysely<Database>, tokenHash: string): Promise<Actor | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['user_name', 'role', 'level'])
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return { user: row.user_name, role: row.role, ...(row.level ? { level: row.level } : {}) };
}

/**
 * How long an API process trusts a token it has looked up: a revoked token
 * (`token revoke`, `user disable`, or straight in SQL) is refused by every API
 * process within TOKEN_CACHE_TTL_MS of the revocation's commit. The time counts
 * from when the lookup began, so an answer read just before a revocation is
 * not kept longer than that either.
 */
export const TOKEN_CACHE_TTL_MS = 5_000;
/** At most this many tokens are remembered per API process; the oldest is forgotten first. */
const TOKEN_CACHE_MAX_ENTRIES = 1_000;

export interface TokenLookupOptions {
  ttlMs?: number;
  maxEntries?: number;
  /** The clock, in milliseconds (tests move it). */
  now?: () => number;
}

/**
 * actorForToken with a small in-process cache, for the API's every request.
 * Keyed by the token's SHA-256 hash, never by the token itself, and nothing of
 * it is logged. Only tokens that were found are remembered (an unknown token is
 * looked up each time, so one made a moment ago works at once, and guessing
 * cannot push the real tokens out); lookups of one token at the same time share
 * one query.
 */
export function cachedTokenLookup(db: Kysely<Database>, options: TokenLookupOptions = {}): (token: string) => Promise<Actor | undefined> {
  const ttlMs = options.ttlMs ?? TOKEN_CACHE_TTL_MS;
  const maxEntries = options.maxEntries ?? TOKEN_CACHE_MAX_ENTRIES;
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, { expiresAt: number; actor: Promise<Actor | undefined> }>();
  return (token) => {
    const hash = hashToken(token);
    const at = now();
    const known = entries.get(hash);
    if (known && known.expiresAt > at) return known.actor;
    entries.delete(hash);
    const actor = actorForHash(db, hash);
    const entry = { expiresAt: at + ttlMs, actor };
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
    entries.set(hash, entry);
    const forget = () => {
      if (entries.get(hash) === entry) entries.delete(hash);
    };
    actor.then((found) => found ?? forget(), forget);
    return actor;
  };
}
