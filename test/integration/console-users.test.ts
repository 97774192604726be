// The console's people and sessions on the run's real PostgreSQL: users and
// their passwords, sessions and their expiry, the sign-in throttle, and the
// `npx helpdesk user` command. Every test file shares the database: names and
// addresses here carry a random suffix.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { actorForToken, createToken } from '../../api/tokens';
import type { Database } from '../../db/schema';
import { endSession, hashSessionId, SESSION_IDLE_MS, SESSION_MAX_MS, sessionFor, startSession } from '../../db/sessions';
import {
  clearSignInFailures,
  MAX_FAILURES_PER_IP,
  MAX_FAILURES_PER_USER,
  recordSignInFailure,
  SIGN_IN_WINDOW_MS,
  signInWait,
  throttledSignIn,
} from '../../db/sign-in-failures';
import { activeUser, createUser, disableUser, listUsers, setPassword, signIn, UserExistsError, UserRuleError } from '../../db/users';
import { PasswordRuleError } from '../../lib/passwords';
import { connectTestDatabase } from '../support/database';

const MINUTE = 60_000;
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const uniqueIp = () => `10.${[...randomBytes(3)].join('.')}`;
const PASSWORD = 'correct horse battery';

let db: Kysely<Database>;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ db, close } = await connectTestDatabase());
});

afterAll(async () => {
  await close?.();
});

async function newAgent(prefix = 'agent'): Promise<string> {
  const name = unique(prefix);
  await createUser(db, { name, role: 'agent', level: 'L1', password: PASSWORD });
  return name;
}

describe('console users', () => {
  it('creates a user, lists them without the hash, and signs them in', async () => {
    const name = unique('alice');
    await createUser(db, { name, role: 'reviewer', level: 'L2', password: PASSWORD });
    const listed = (await listUsers(db)).find((user) => user.name === name);
    expect(listed).toEqual({ name, role: 'reviewer', level: 'L2', disabled_at: null, created_at: expect.any(Date) });
    expect(Object.keys(listed!)).not.toContain('password_hash');

    const stored = await db.selectFrom('users').select('password_hash').where('name', '=', name).executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored.password_hash).not.toContain(PASSWORD);

    expect(await signIn(db, name, PASSWORD)).toEqual({ user: name, role: 'reviewer', level: 'L2' });
    expect(await signIn(db, name, 'correct horse batteries')).toBeUndefined();
    expect(await signIn(db, name.toUpperCase(), PASSWORD)).toBeUndefined();
    expect(await activeUser(db, name)).toEqual({ user: name, role: 'reviewer', level: 'L2' });

    const manager = unique('mona');
    await createUser(db, { name: manager, role: 'manager', password: PASSWORD });
    expect(await signIn(db, manager, PASSWORD)).toEqual({ user: manager, role: 'manager' });
  });

  it('refuses a duplicate name, a bad name, role or level, and a bad password, storing nothing', async () => {
    const name = await newAgent();
    await expect(createUser(db, { name, role: 'manager', password: 'another password' })).rejects.toThrow(UserExistsError);
    await expect(createUser(db, { name, role: 'manager', password: 'another password' })).rejects.toThrow(`user ${name} already exists`);
    expect(await signIn(db, name, PASSWORD)).toEqual({ user: name, role: 'agent', level: 'L1' });

    const fresh = unique('bob');
    const bad = [
      { name: 'has space', role: 'agent', level: 'L1' },
      { name: '', role: 'agent', level: 'L1' },
      { name: 'x'.repeat(65), role: 'agent', level: 'L1' },
      { name: 'ユーザー', role: 'agent', level: 'L1' },
      { name: fresh, role: 'agent' },
      { name: fresh, role: 'manager', level: 'L1' },
      { name: fresh, role: 'superuser' },
      { name: fresh, role: 'agent', level: 'L4' },
    ] as const;
    for (const user of bad) await expect(createUser(db, { ...(user as any), password: PASSWORD }), JSON.stringify(user)).rejects.toThrow(UserRuleError);
    const longest = `${unique('l')}._-`.padEnd(64, 'Z');
    await createUser(db, { name: longest, role: 'integrator', password: PASSWORD });
    expect(await activeUser(db, longest)).toEqual({ user: longest, role: 'integrator' });

    const error = await createUser(db, { name: fresh, role: 'agent', level: 'L1', password: 'short' }).catch((e) => e);
    expect(error).toBeInstanceOf(PasswordRuleError);
    expect(error.message).not.toContain('short');
    expect(await activeUser(db, fresh)).toBeUndefined();
  });

  it('changes a password: the old one stops working and their sessions end', async () => {
    const name = await newAgent();
    const session = await startSession(db, name, '127.0.0.1');
    expect(await setPassword(db, name, 'a brand new password')).toBe(true);
    expect(await signIn(db, name, PASSWORD)).toBeUndefined();
    expect(await signIn(db, name, 'a brand new password')).toEqual({ user: name, role: 'agent', level: 'L1' });
    expect(await sessionFor(db, session.id)).toBeUndefined();

    await expect(setPassword(db, name, 'too short')).rejects.toThrow(PasswordRuleError);
    expect(await signIn(db, name, 'a brand new password')).toBeDefined();
    expect(await setPassword(db, unique('nobody'), 'a brand new password')).toBe(false);
  });

  it('disables a user: no sign-in, no session, no API token, in one go', async () => {
    const name = await newAgent();
    const other = await newAgent('other');
    const token = await createToken(db, name, 'agent', 'L1');
    const secondToken = await createToken(db, name, 'agent', 'L1');
    const otherToken = await createToken(db, other, 'agent', 'L1');
    const session = await startSession(db, name, '192.0.2.1');
    const otherSession = await startSession(db, other, '192.0.2.2');
    expect(await actorForToken(db, token)).toEqual({ user: name, role: 'agent', level: 'L1' });
    expect((await sessionFor(db, session.id))?.actor).toEqual({ user: name, role: 'agent', level: 'L1' });

    expect(await disableUser(db, name)).toBe(true);

    expect(await signIn(db, name, PASSWORD)).toBeUndefined();
    expect(await activeUser(db, name)).toBeUndefined();
    expect(await sessionFor(db, session.id)).toBeUndefined();
    expect(await actorForToken(db, token)).toBeUndefined();
    expect(await actorForToken(db, secondToken)).toBeUndefined();
    const row = await db.selectFrom('sessions').select('ended_at').where('id_hash', '=', hashSessionId(session.id)).executeTakeFirstOrThrow();
    expect(row.ended_at).toBeInstanceOf(Date);
    const listed = (await listUsers(db)).find((user) => user.name === name);
    expect(listed?.disabled_at).toBeInstanceOf(Date);

    // Nobody else is touched.
    expect(await actorForToken(db, otherToken)).toEqual({ user: other, role: 'agent', level: 'L1' });
    expect(await sessionFor(db, otherSession.id)).toBeDefined();
    expect(await signIn(db, other, PASSWORD)).toBeDefined();

    // Again: still disabled since the first time; a token made since is revoked too.
    const lateToken = await createToken(db, name, 'agent', 'L1');
    expect(await disableUser(db, name)).toBe(true);
    expect(await actorForToken(db, lateToken)).toBeUndefined();
    expect((await listUsers(db)).find((user) => user.name === name)?.disabled_at).toEqual(listed?.disabled_at);
    expect(await disableUser(db, unique('nobody'))).toBe(false);

    // A new password does not bring them back.
    expect(await setPassword(db, name, 'a brand new password')).toBe(true);
    expect(await signIn(db, name, 'a brand new password')).toBeUndefined();
  });

  it('still runs scrypt for an unknown name, so timing does not tell which names exist', async () => {
    const name = await newAgent();
    const time = async (user: string) => {
      const started = performance.now();
      expect(await signIn(db, user, 'not the password at all')).toBeUndefined();
      return performance.now() - started;
    };
    await time(name); // warm the pool's connection
    const unknown = await time(unique('nobody'));
    const malformed = await time('not a valid name!');
    const known = await time(name);
    // One scrypt verify with N = 2^15 takes about 75 ms here; without it, a lookup takes about 1 ms.
    expect(unknown).toBeGreaterThan(20);
    expect(malformed).toBeGreaterThan(20);
    expect(known).toBeGreaterThan(20);
  });
});

describe('console sessions', () => {
  it('starts a session with random id and CSRF token, stores only the id hash, and finds it', async () => {
    const name = await newAgent();
    const { id, csrfToken } = await startSession(db, name, '203.0.113.9');
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfToken).not.toBe(id);

    const rows = await db.selectFrom('sessions').selectAll().where('user_name', '=', name).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].id_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows[0])).not.toContain(id);
    expect(rows[0]).toMatchObject({ csrf_token: csrfToken, ip: '203.0.113.9', ended_at: null });

    expect(await sessionFor(db, id)).toEqual({ actor: { user: name, role: 'agent', level: 'L1' }, csrfToken });
    expect(await sessionFor(db, randomBytes(32).toString('base64url'))).toBeUndefined();
    expect(await sessionFor(db, '')).toBeUndefined();
    expect(await sessionFor(db, csrfToken)).toBeUndefined();

    const second = await startSession(db, name, undefined);
    expect(second.id).not.toBe(id);
    expect((await sessionFor(db, second.id))?.csrfToken).toBe(second.csrfToken);
  });

  it('ends a session when signed out', async () => {
    const name = await newAgent();
    const session = await startSession(db, name, undefined);
    await endSession(db, session.id);
    expect(await sessionFor(db, session.id)).toBeUndefined();
    await endSession(db, session.id); // twice is fine
    await endSession(db, 'no such session');
  });

  it('expires after SESSION_IDLE_MS without a request, to the millisecond', async () => {
    expect(SESSION_IDLE_MS).toBe(2 * 60 * MINUTE);
    const name = await newAgent();
    const start = new Date();
    const a = await startSession(db, name, undefined, start);
    const b = await startSession(db, name, undefined, start);
    expect(await sessionFor(db, a.id, new Date(start.getTime() + SESSION_IDLE_MS))).toBeDefined();
    expect(await sessionFor(db, b.id, new Date(start.getTime() + SESSION_IDLE_MS + 1))).toBeUndefined();
    // a was seen at start + 2 h: it lasts until start + 4 h.
    expect(await sessionFor(db, a.id, new Date(start.getTime() + 2 * SESSION_IDLE_MS))).toBeDefined();
  });

  it('writes last_seen_at at most once a minute', async () => {
    const name = await newAgent();
    const start = new Date();
    const session = await startSession(db, name, undefined, start);
    const lastSeen = async () =>
      (await db.selectFrom('sessions').select('last_seen_at').where('id_hash', '=', hashSessionId(session.id)).executeTakeFirstOrThrow()).last_seen_at.getTime();
    await sessionFor(db, session.id, new Date(start.getTime() + 59_999));
    expect(await lastSeen()).toBe(start.getTime());
    await sessionFor(db, session.id, new Date(start.getTime() + MINUTE));
    expect(await lastSeen()).toBe(start.getTime() + MINUTE);
    await sessionFor(db, session.id, new Date(start.getTime() + MINUTE + 30_000));
    expect(await lastSeen()).toBe(start.getTime() + MINUTE);
  });

  it('ends after SESSION_MAX_MS however busy, to the millisecond', async () => {
    expect(SESSION_MAX_MS).toBe(12 * 60 * MINUTE);
    const name = await newAgent();
    const start = new Date();
    const session = await startSession(db, name, undefined, start);
    // In use every 90 minutes all day: never idle.
    for (let at = 90 * MINUTE; at < SESSION_MAX_MS; at += 90 * MINUTE) {
      expect(await sessionFor(db, session.id, new Date(start.getTime() + at)), `after ${at / MINUTE} min`).toBeDefined();
    }
    expect(await sessionFor(db, session.id, new Date(start.getTime() + SESSION_MAX_MS))).toBeDefined();
    expect(await sessionFor(db, session.id, new Date(start.getTime() + SESSION_MAX_MS + 1))).toBeUndefined();
  });

  it('follows the user: a changed role shows at once, a deleted user has no session', async () => {
    const name = await newAgent();
    const session = await startSession(db, name, undefined);
    await db.updateTable('users').set({ role: 'manager', level: null }).where('name', '=', name).execute();
    expect((await sessionFor(db, session.id))?.actor).toEqual({ user: name, role: 'manager' });
    await db.deleteFrom('users').where('name', '=', name).execute();
    expect(await sessionFor(db, session.id)).toBeUndefined();
  });
});

describe('the sign-in throttle', () => {
  const at = (start: Date, ms: number) => new Date(start.getTime() + ms);

  it(`lets ${MAX_FAILURES_PER_USER} failures per name through in ${SIGN_IN_WINDOW_MS / MINUTE} minutes, then waits for the oldest to leave the window`, async () => {
    expect([MAX_FAILURES_PER_USER, MAX_FAILURES_PER_IP, SIGN_IN_WINDOW_MS]).toEqual([5, 20, 15 * MINUTE]);
    const name = unique('guessed');
    const start = new Date();
    for (let i = 0; i < 4; i++) {
      await recordSignInFailure(db, name, uniqueIp(), at(start, i * MINUTE));
      expect(await signInWait(db, name, uniqueIp(), at(start, i * MINUTE))).toBe(0);
    }
    await recordSignInFailure(db, name, uniqueIp(), at(start, 4 * MINUTE));
    // Five failures (at 0, 1, 2, 3, 4 min): wait until the one at 0 is 15 minutes old.
    expect(await signInWait(db, name, undefined, at(start, 4 * MINUTE))).toBe(11 * MINUTE);
    expect(await signInWait(db, name, uniqueIp(), at(start, 15 * MINUTE - 1))).toBe(1);
    expect(await signInWait(db, name, undefined, at(start, 15 * MINUTE))).toBe(0);
    // One more failure then: five again in the window (1 … 4 and 15): wait for the one at 1 min.
    await recordSignInFailure(db, name, undefined, at(start, 15 * MINUTE));
    expect(await signInWait(db, name, undefined, at(start, 15 * MINUTE))).toBe(MINUTE);
    // Other names are not slowed.
    expect(await signInWait(db, unique('other'), undefined, at(start, 15 * MINUTE))).toBe(0);
    // Signing in clears the name's failures.
    await clearSignInFailures(db, name);
    expect(await signInWait(db, name, undefined, at(start, 15 * MINUTE))).toBe(0);
  });

  it(`lets ${MAX_FAILURES_PER_IP} failures per address through, whatever the names`, async () => {
    const ip = uniqueIp();
    const start = new Date();
    for (let i = 0; i < MAX_FAILURES_PER_IP - 1; i++) await recordSignInFailure(db, unique('spray'), ip, at(start, i * 1000));
    expect(await signInWait(db, unique('next'), ip, at(start, 30_000))).toBe(0);
    await recordSignInFailure(db, unique('spray'), ip, at(start, 30_000));
    expect(await signInWait(db, unique('next'), ip, at(start, 30_000))).toBe(SIGN_IN_WINDOW_MS - 30_000);
    expect(await signInWait(db, unique('next'), ip, at(start, SIGN_IN_WINDOW_MS - 1))).toBe(1);
    expect(await signInWait(db, unique('next'), ip, at(start, SIGN_IN_WINDOW_MS))).toBe(0);
    // Another address, or none known, is not slowed by it.
    expect(await signInWait(db, unique('next'), uniqueIp(), at(start, 30_000))).toBe(0);
    expect(await signInWait(db, unique('next'), undefined, at(start, 30_000))).toBe(0);
  });

  it('deletes failures older than a day as new ones are recorded', async () => {
    const name = unique('old');
    const now = new Date();
    await recordSignInFailure(db, name, undefined, new Date(now.getTime() - 24 * 60 * MINUTE - 1));
    await recordSignInFailure(db, name, undefined, new Date(now.getTime() - 24 * 60 * MINUTE + MINUTE));
    const count = async () => (await db.selectFrom('sign_in_failures').select('at').where('user_name', '=', name).execute()).length;
    expect(await count()).toBe(2);
    await recordSignInFailure(db, unique('someone'), undefined, now);
    expect(await count()).toBe(1);
  });

  it('throttledSignIn checks at most 5 attempts per name, refuses the next unchecked, and clears on success', async () => {
    const name = await newAgent();
    const ip = uniqueIp();
    const start = new Date();
    for (let i = 0; i < 5; i++) expect(await throttledSignIn(db, name, 'a wrong password', ip, at(start, i * 1000))).toEqual({ waitMs: 0 });
    // The right password is not even checked now.
    const refused = await throttledSignIn(db, name, PASSWORD, ip, at(start, 5000));
    expect(refused).toEqual({ waitMs: SIGN_IN_WINDOW_MS - 5000 });
    // Knocking does not make the wait longer.
    expect(await signInWait(db, name, ip, at(start, 5000))).toBe(SIGN_IN_WINDOW_MS - 5000);
    const later = at(start, SIGN_IN_WINDOW_MS);
    expect(await throttledSignIn(db, name, PASSWORD, ip, later)).toEqual({ actor: { user: name, role: 'agent', level: 'L1' }, waitMs: 0 });
    expect(await db.selectFrom('sign_in_failures').select('id').where('user_name', '=', name).execute()).toEqual([]);
    // An unknown name is counted the same way.
    const nobody = unique('nobody');
    for (let i = 0; i < 5; i++) expect((await throttledSignIn(db, nobody, PASSWORD, undefined, start)).waitMs).toBe(0);
    expect((await throttledSignIn(db, nobody, PASSWORD, undefined, start)).waitMs).toBe(SIGN_IN_WINDOW_MS);
  });

  it('throttledSignIn lets no more than 5 of many parallel attempts be checked', async () => {
    const name = await newAgent();
    const start = new Date();
    const results = await Promise.all(Array.from({ length: 9 }, () => throttledSignIn(db, name, 'a wrong password', uniqueIp(), start)));
    expect(results.filter((r) => r.waitMs === 0)).toHaveLength(5);
    expect(results.filter((r) => r.waitMs > 0)).toHaveLength(4);
    expect(results.every((r) => r.actor === undefined)).toBe(true);
  });
});

describe('npx helpdesk user', () => {
  const helpdesk = (args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['bin/helpdesk.js', 'user', ...args], {
        env: { ...process.env, DATABASE_URL: inject('databaseUrl') },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (text) => (stdout += text));
      child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });

  it('creates a user from a password on stdin, lists them, changes the password and disables them', async () => {
    const name = unique('cli');
    const password = 'typed on stdin 123';
    const created = await helpdesk(['create', '--user', name, '--role', 'agent', '--level', 'L1', '--password-stdin'], `${password}\n`);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toBe(`created ${name} (agent L1)\n`);
    expect(await signIn(db, name, password)).toEqual({ user: name, role: 'agent', level: 'L1' });

    const listed = await helpdesk(['list']);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+ROLE\s+LEVEL\s+STATE\s+CREATED$/);
    expect(lines.find((line) => line.startsWith(`${name} `))).toMatch(new RegExp(`^${name}\\s+agent\\s+L1\\s+active\\s+\\d{4}-\\d\\d-\\d\\dT`));

    const again = await helpdesk(['create', '--user', name, '--role', 'manager', '--password-stdin'], `${password}\n`);
    expect(again).toMatchObject({ code: 1, stdout: '', stderr: `helpdesk: user ${name} already exists\n` });

    const changed = await helpdesk(['password', '--user', name, '--password-stdin'], 'a new one from stdin\r\n');
    expect(changed.code).toBe(0);
    expect(await signIn(db, name, 'a new one from stdin')).toBeDefined();
    expect(await signIn(db, name, password)).toBeUndefined();

    const disabled = await helpdesk(['disable', '--user', name]);
    expect(disabled).toMatchObject({ code: 0, stderr: '' });
    expect((await helpdesk(['list'])).stdout).toMatch(new RegExp(`^${name}\\s+agent\\s+L1\\s+disabled \\d{4}-`, 'm'));
    expect(await signIn(db, name, 'a new one from stdin')).toBeUndefined();

    for (const run of [created, listed, again, changed, disabled]) {
      expect(run.stdout + run.stderr).not.toContain(password);
      expect(run.stdout + run.stderr).not.toContain('a new one');
    }
  });

  it('answers mistakes in one line, with the usage for a bad command line', async () => {
    const name = unique('cli');
    const short = await helpdesk(['create', '--user', name, '--role', 'agent', '--level', 'L1', '--password-stdin'], 'tooshort\n');
    expect(short).toMatchObject({ code: 1, stdout: '', stderr: 'helpdesk: a password needs at least 10 characters\n' });

    const noTerminal = await helpdesk(['create', '--user', name, '--role', 'agent', '--level', 'L1'], 'long enough password\n');
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toMatch(/^helpdesk: stdin is not a terminal: give the password on stdin with --password-stdin\nusage:/);

    const noLevel = await helpdesk(['create', '--user', name, '--role', 'agent', '--password-stdin'], 'long enough password\n');
    expect(noLevel.code).toBe(2);
    expect(noLevel.stderr).toMatch(/^helpdesk: an agent works at a support level/);
    const badName = await helpdesk(['create', '--user', 'no spaces', '--role', 'manager', '--password-stdin'], 'long enough password\n');
    expect(badName.code).toBe(2);
    const unknownOption = await helpdesk(['create', '--user', name, '--password', 'x']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr.split('\n')[0]).toMatch(/^helpdesk: .*--password/);

    expect(await activeUser(db, name)).toBeUndefined();
    const missing = await helpdesk(['disable', '--user', name]);
    expect(missing).toMatchObject({ code: 1, stderr: `helpdesk: no user ${name}\n` });
    expect((await helpdesk(['password', '--user', name, '--password-stdin'], 'long enough password\n')).code).toBe(1);
    expect((await helpdesk(['frobnicate'])).code).toBe(2);
  });
});
