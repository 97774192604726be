import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor } from '../workflows/ticket-types';
import type { Database } from './schema';

/**
 * Console sessions. The session id (32 random bytes, base64url) lives only in
 * the browser's cookie; the table keeps its SHA-256, so a copy of the table
 * lets nobody in. Each session has its own CSRF token (32 random bytes),
 * stored as is: it is no secret from its own session, only from other sites.
 *
 * A session ends when it is signed out (endSession), when its user is
 * disabled or gets a new password (db/users.ts), after SESSION_IDLE_MS
 * without a request, and SESSION_MAX_MS after it started, however busy.
 */

/** A session not used for 2 hours is over. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/** A session lasts at most 12 hours (a working day), used or not. */
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is written at most once a minute per session, to spare writes: idle time is known to the minute. */
const TOUCH_AFTER_MS = 60 * 1000;
/** Rows are kept this long after a session started (who was signed in from where), then deleted as sessions start. */
const KEEP_MS = 30 * 24 * 60 * 60 * 1000;

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/**
 * Starts a session for `user` (who must exist: sign them in first). Answers
 * the id for the cookie and the CSRF token for the forms; neither is logged.
 */
export async function startSession(
  db: Kysely<Database>,
  user: string,
  ip: string | undefined,
  now = new Date(),
): Promise<{ id: string; csrfToken: string }> {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  await db
    .insertInto('sessions')
    .values({ id_hash: hashSessionId(id), user_name: user, csrf_token: csrfToken, ip: ip ?? null, created_at: now, last_seen_at: now })
    .execute();
  await db.deleteFrom('sessions').where('created_at', '<', new Date(now.getTime() - KEEP_MS)).execute();
  return { id, csrfToken };
}

/**
 * The signed-in user and the session's CSRF token, or undefined when the id is
 * unknown, the session ended, was idle longer than SESSION_IDLE_MS, is older
 * than SESSION_MAX_MS, or its user is disabled or gone. The role and level
 * come from the users table as it is now. Marks the session as seen (at most
 * once a minute).
 */
export async function sessionFor(
  db: Kysely<Database>,
  id: string,
  now = new Date(),
): Promise<{ actor: Actor; csrfToken: string } | undefined> {
  if (typeof id !== 'string' || id.length === 0 || id.length > 256) return undefined;
  const idHash = hashSessionId(id);
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.name', 's.user_name')
    .select(['s.csrf_token', 's.created_at', 's.last_seen_at', 's.ended_at', 'u.name', 'u.role', 'u.level', 'u.disabled_at'])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row || row.ended_at || row.disabled_at) return undefined;
  const at = now.getTime();
  if (at - row.last_seen_at.getTime() > SESSION_IDLE_MS) return undefined;
  if (at - row.created_at.getTime() > SESSION_MAX_MS) return undefined;
  if (at - row.last_seen_at.getTime() >= TOUCH_AFTER_MS) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('id_hash', '=', idHash)
      .where('last_seen_at', '<', now)
      .where('ended_at', 'is', null)
      .execute();
  }
  const actor: Actor = { user: row.name, role: row.role, ...(row.level ? { level: row.level } : {}) };
  return { actor, csrfToken: row.csrf_token };
}

/** Signs out: the session is over for good. An unknown or ended session is left as it is. */
export async function endSession(db: Kysely<Database>, id: string, now = new Date()): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ ended_at: now })
    .where('id_hash', '=', hashSessionId(id))
    .where('ended_at', 'is', null)
    .execute();
}

/** Ends every open session of a user (db/users.ts, when they are disabled or get a new password). */
export async function endSessionsOf(db: Kysely<Database>, user: string, now = new Date()): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ ended_at: now })
    .where('user_name', '=', user)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
