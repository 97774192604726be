import { sql, type Kysely } from 'kysely';
import type { Actor } from '../workflows/ticket-types';
import type { Database } from './schema';
import { signIn } from './users';

/**
 * Slowing down password guessing: a sliding window of failed sign-ins.
 *
 * The rule: at most 5 failed sign-ins for one user name, and at most 20 from
 * one address, in any 15 minutes. Once a name (or address) has reached its
 * limit, the next attempt is not even checked: signInWait answers how long
 * until the oldest failure that still counts leaves the 15-minute window
 * (the 5th most recent for a name, the 20th for an address); then one more
 * attempt may be checked. So a guesser gets 5 tries per name per 15 minutes
 * (480 a day) and 20 per address, and a person who mistypes a few times is
 * never slowed at all. Refused attempts are not failures, so waiting is
 * never made longer by knocking. A successful sign-in clears the name's
 * failures. Rows older than a day are deleted whenever a failure is recorded.
 *
 * The window is (now − 15 min, now]: a failure exactly 15 minutes old no
 * longer counts.
 *
 * The price of per-name counting: someone who knows a name can keep that
 * person waiting (5 wrong passwords every 15 minutes); and people behind one
 * address (an office's NAT) share its 20.
 *
 * Use throttledSignIn for the console's sign-in: it checks and counts each
 * attempt under a lock, so parallel requests cannot all slip in before the
 * first failure is recorded.
 */
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_USER = 5;
export const MAX_FAILURES_PER_IP = 20;
const KEEP_MS = 24 * 60 * 60 * 1000;
/** A name longer than any user's is still counted, under its first 100 characters. */
const NAME_KEPT = 100;

export async function recordSignInFailure(db: Kysely<Database>, user: string, ip: string | undefined, now = new Date()): Promise<void> {
  await insertFailure(db, user, ip, now);
  await deleteOldFailures(db, now);
}

/** Milliseconds before another attempt for `user` from `ip` may be checked; 0: go ahead. */
export async function signInWait(db: Kysely<Database>, user: string, ip: string | undefined, now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
  const counted = [await failureThatCounts(db, 'user_name', keyOf(user), MAX_FAILURES_PER_USER, since)];
  if (ip) counted.push(await failureThatCounts(db, 'ip', ip, MAX_FAILURES_PER_IP, since));
  let wait = 0;
  for (const at of counted) if (at) wait = Math.max(wait, at.getTime() + SIGN_IN_WINDOW_MS - now.getTime());
  return wait;
}

/** After a successful sign-in: the name's failures no longer count (against the name or its addresses). */
export async function clearSignInFailures(db: Kysely<Database>, user: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('user_name', '=', keyOf(user)).execute();
}

/**
 * The console's sign-in: refuses without checking while signInWait says to
 * wait (`waitMs` > 0), else checks the password (db/users.ts signIn). The
 * attempt is counted as a failure before the password is checked, under a
 * per-name and per-address lock, and the count is cleared when it succeeds;
 * so however many requests arrive at once, no more than the limit are checked.
 * `actor` undefined with `waitMs` 0: wrong name or password.
 */
export async function throttledSignIn(
  db: Kysely<Database>,
  user: string,
  password: string,
  ip: string | undefined,
  now = new Date(),
): Promise<{ actor?: Actor; waitMs: number }> {
  const waitMs = await db.transaction().execute(async (trx) => {
    // Always the name first, then the address, each in its own key space: no deadlock.
    await sql`select pg_advisory_xact_lock(${LOCK_USER}, hashtext(${keyOf(user)}))`.execute(trx);
    if (ip) await sql`select pg_advisory_xact_lock(${LOCK_IP}, hashtext(${ip}))`.execute(trx);
    const wait = await signInWait(trx, user, ip, now);
    if (wait === 0) await insertFailure(trx, user, ip, now);
    return wait;
  });
  if (waitMs > 0) return { waitMs };
  const actor = await signIn(db, user, password);
  if (actor) await clearSignInFailures(db, user);
  else await deleteOldFailures(db, now);
  return actor ? { actor, waitMs: 0 } : { waitMs: 0 };
}

const LOCK_USER = 0x5349_4e01; // advisory lock key spaces: "SIN" + 1 / 2
const LOCK_IP = 0x5349_4e02;

function keyOf(user: string): string {
  return String(user).slice(0, NAME_KEPT);
}

async function insertFailure(db: Kysely<Database>, user: string, ip: string | undefined, now: Date): Promise<void> {
  await db.insertInto('sign_in_failures').values({ user_name: keyOf(user), ip: ip ?? null, at: now }).execute();
}

async function deleteOldFailures(db: Kysely<Database>, now: Date): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('at', '<', new Date(now.getTime() - KEEP_MS)).execute();
}

/** The `limit`-th most recent failure inside the window, if there are that many. */
async function failureThatCounts(
  db: Kysely<Database>,
  column: 'user_name' | 'ip',
  value: string,
  limit: number,
  since: Date,
): Promise<Date | undefined> {
  const row = await db
    .selectFrom('sign_in_failures')
    .select('at')
    .where(column, '=', value)
    .where('at', '>', since)
    .orderBy('at', 'desc')
    .offset(limit - 1)
    .limit(1)
    .executeTakeFirst();
  return row?.at;
}
