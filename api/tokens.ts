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

export async function actorForToken(db: Kysely<Database>, token: string): Promise<Actor | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['user_name', 'role', 'level'])
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return { user: row.user_name, role: row.role, ...(row.level ? { level: row.level } : {}) };
}
