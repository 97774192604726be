import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Console passwords, stored as scrypt hashes in a self-describing form:
 *
 *     scrypt$<N>$<r>$<p>$<salt, base64>$<hash, base64>
 *
 * A hash is checked with the parameters written in it, so raising N later
 * needs no migration: old hashes still verify, new ones get the new cost.
 *
 * N = 2^15, r = 8, p = 1 (32 MiB of memory per hash). Measured on this
 * 2-core machine (Node 20): about 75 ms per hash when it is quiet (74–82 ms
 * over 15 hashes), 96–174 ms with other work running; N = 2^14 took about
 * 50 ms, 2^16 about 240 ms. scrypt runs on libuv's thread pool, so a hash
 * does not block the event loop.
 *
 * Passwords are compared after Unicode NFKC normalisation, so the same
 * password typed with full-width or half-width characters (an IME) is the
 * same password.
 */
const N = 2 ** 15;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

const PASSWORD_MIN_LENGTH = 10;
const PASSWORD_MAX_LENGTH = 1024;

/** What a stored hash may ask for: a tampered row must not make a verify take minutes or gigabytes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_MEMORY = 1024 * 1024 * 1024;

/** A password that breaks the length rules. The message never contains the password. */
export class PasswordRuleError extends Error {
  override name = 'PasswordRuleError';
}

/** Throws PasswordRuleError unless the password is 10–1024 characters (Unicode code points, after NFKC). */
export function checkPasswordRules(password: string): void {
  const length = [...password.normalize('NFKC')].length;
  if (length < PASSWORD_MIN_LENGTH) throw new PasswordRuleError(`a password needs at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) throw new PasswordRuleError(`a password may have at most ${PASSWORD_MAX_LENGTH} characters`);
}

export async function hashPassword(password: string): Promise<string> {
  checkPasswordRules(password);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, KEY_BYTES, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

/**
 * True only when `password` matches `stored`. A stored value that is not a
 * well-formed scrypt hash (or asks for absurd parameters) never matches.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  // Longer than any password hashPassword accepts: cannot match, and is not worth hashing.
  if (password.length > PASSWORD_MAX_LENGTH * 16 || [...password.normalize('NFKC')].length > PASSWORD_MAX_LENGTH) return false;
  const parsed = parseStored(stored);
  if (!parsed) return false;
  const actual = await derive(password, parsed.salt, parsed.hash.length, parsed.options);
  return timingSafeEqual(actual, parsed.hash);
}

function parseStored(stored: string): { options: ScryptOptions; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [n, r, p] = parts.slice(1, 4).map((part) => (/^[1-9]\d{0,9}$/.test(part) ? Number(part) : NaN));
  if (!(n >= 2 && n <= MAX_N && (n & (n - 1)) === 0)) return undefined;
  if (!(r >= 1 && r <= MAX_R && p >= 1 && p <= MAX_P)) return undefined;
  if (128 * n * r * p > MAX_MEMORY) return undefined;
  const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  if (!base64.test(parts[4]) || !base64.test(parts[5])) return undefined;
  const salt = Buffer.from(parts[4], 'base64');
  const hash = Buffer.from(parts[5], 'base64');
  // Always 32 bytes: a shorter (cut) hash would otherwise match on its prefix.
  if (salt.length < SALT_BYTES || salt.length > 64 || hash.length !== KEY_BYTES) return undefined;
  return { options: { N: n, r, p }, salt, hash };
}

function derive(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  // Node refuses more than 32 MiB unless told; give each hash what its parameters need.
  const maxmem = 128 * options.N! * options.r! * options.p! + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, { ...options, maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}
