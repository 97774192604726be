import type { Kysely } from 'kysely';
import { hashPassword, verifyPassword } from '../lib/passwords';
import { ROLES, SUPPORT_LEVELS, type Actor, type Role, type SupportLevel } from '../workflows/ticket-types';
import type { Database, UsersTable } from './schema';
import { endSessionsOf } from './sessions';

/**
 * The people who sign in to the console. Their role and level are read from
 * here on every request (db/sessions.ts joins this table), so a change, or
 * disabling someone, takes effect at once.
 */

/** 1–64 characters of A–Z, a–z, 0–9, '.', '_', '-' (case matters: `Alice` and `alice` are two users). */
const USER_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export class UserExistsError extends Error {
  override name = 'UserExistsError';
  constructor(user: string) {
    super(`user ${user} already exists`);
  }
}

/** A user name, role or level that breaks the rules (the password's rules: PasswordRuleError). */
export class UserRuleError extends Error {
  override name = 'UserRuleError';
}

export interface NewUser {
  name: string;
  role: Role;
  /** Agents and reviewers work at a support level; nobody else has one. */
  level?: SupportLevel;
  password: string;
}

/** Throws UserRuleError unless name, role and level make a valid user (the password is not checked here). */
export function checkNewUser(user: Omit<NewUser, 'password'>): void {
  if (typeof user.name !== 'string' || !USER_NAME_PATTERN.test(user.name)) {
    throw new UserRuleError("a user name is 1–64 characters of A–Z, a–z, 0–9, '.', '_' and '-'");
  }
  if (!ROLES.includes(user.role)) throw new UserRuleError(`a role is one of ${ROLES.join(', ')}`);
  const levelled = user.role === 'agent' || user.role === 'reviewer';
  if (levelled && user.level === undefined) throw new UserRuleError(`an ${user.role} works at a support level: L1, L2 or L3`);
  if (!levelled && user.level !== undefined) throw new UserRuleError('only an agent or a reviewer has a support level');
  if (user.level !== undefined && !SUPPORT_LEVELS.includes(user.level)) throw new UserRuleError('a support level is L1, L2 or L3');
}

/** Throws UserRuleError, PasswordRuleError (lib/passwords.ts) or UserExistsError. */
export async function createUser(db: Kysely<Database>, user: NewUser): Promise<void> {
  checkNewUser(user);
  const passwordHash = await hashPassword(user.password);
  const inserted = await db
    .insertInto('users')
    .values({ name: user.name, role: user.role, level: user.level ?? null, password_hash: passwordHash, password_changed_at: new Date() })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('name')
    .executeTakeFirst();
  if (!inserted) throw new UserExistsError(user.name);
}

/** Everyone, by name; never the password hash. */
export async function listUsers(db: Kysely<Database>) {
  return db.selectFrom('users').select(['name', 'role', 'level', 'disabled_at', 'created_at']).orderBy('name').execute();
}

/**
 * Disables a user, ends their console sessions and revokes their API tokens,
 * in one transaction. False when there is no such user. Disabling a disabled
 * user keeps the first disabled_at, and still ends and revokes whatever is left.
 */
export async function disableUser(db: Kysely<Database>, name: string): Promise<boolean> {
  const now = new Date();
  return db.transaction().execute(async (trx) => {
    const disabled = await trx
      .updateTable('users')
      .set((eb) => ({ disabled_at: eb.fn.coalesce('disabled_at', eb.val(now)) }))
      .where('name', '=', name)
      .returning('name')
      .executeTakeFirst();
    if (!disabled) return false;
    await endSessionsOf(trx, name, now);
    await trx.updateTable('api_tokens').set({ revoked_at: now }).where('user_name', '=', name).where('revoked_at', 'is', null).execute();
    return true;
  });
}

/**
 * Sets a new password (PasswordRuleError when it breaks the rules) and ends the
 * user's sessions. False when there is no such user. It does not enable a
 * disabled user.
 */
export async function setPassword(db: Kysely<Database>, name: string, password: string): Promise<boolean> {
  const passwordHash = await hashPassword(password);
  const now = new Date();
  return db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, password_changed_at: now })
      .where('name', '=', name)
      .returning('name')
      .executeTakeFirst();
    if (!changed) return false;
    await endSessionsOf(trx, name, now);
    return true;
  });
}

/**
 * Who this is, when the name and password match an enabled user; otherwise
 * undefined, without saying why. An unknown name is checked against a dummy
 * hash with the same parameters, and a disabled user's password is checked
 * too, so the time taken does not tell which names exist.
 *
 * This does not throttle: the console's sign-in goes through
 * throttledSignIn (db/sign-in-failures.ts), which does.
 */
export async function signIn(db: Kysely<Database>, name: string, password: string): Promise<Actor | undefined> {
  const row =
    typeof name === 'string' && USER_NAME_PATTERN.test(name)
      ? await db.selectFrom('users').select(['name', 'role', 'level', 'password_hash', 'disabled_at']).where('name', '=', name).executeTakeFirst()
      : undefined;
  const matches = await verifyPassword(String(password), row?.password_hash ?? DUMMY_HASH);
  if (!row || !matches || row.disabled_at) return undefined;
  return actorOf(row);
}

/** The user as an Actor when they exist and are not disabled. */
export async function activeUser(db: Kysely<Database>, name: string): Promise<Actor | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['name', 'role', 'level'])
    .where('name', '=', name)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return row && actorOf(row);
}

function actorOf(row: Pick<UsersTable, 'name' | 'role' | 'level'>): Actor {
  return { user: row.name, role: row.role, ...(row.level ? { level: row.level } : {}) };
}

/**
 * The hash of a random password nobody knows, made with lib/passwords.ts's
 * current parameters (N = 2^15, r = 8, p = 1): when those change, make a new
 * one (`hashPassword(randomBytes(24).toString('base64'))`) so that an unknown
 * name still costs as much as a known one.
 */
const DUMMY_HASH = 'scrypt$32768$8$1$EOA4JPA4Wi9OwfZNuArkZw==$suk4Wig6djDeNwsX4tHxlZ3lU85palkVOj94WsW4NSM=';
