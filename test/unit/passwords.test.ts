import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, PasswordRuleError, verifyPassword } from '../../lib/passwords';

describe('console passwords', () => {
  it('hashes in the self-describing scrypt form and verifies the same password', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/);
    const [, , , , salt, hash] = stored.split('$');
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash, 'base64')).toHaveLength(32);
    expect(stored).not.toContain('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('the same password'), hashPassword('the same password')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('the same password', b)).toBe(true);
  });

  it('refuses a wrong password', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('correct horse battery ', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('refuses a tampered or malformed hash', async () => {
    const stored = await hashPassword('correct horse battery');
    const parts = stored.split('$');
    const flipped = Buffer.from(parts[5], 'base64');
    flipped[0] ^= 1;
    const otherSalt = randomBytes(16).toString('base64');
    const tampered = [
      [...parts.slice(0, 5), flipped.toString('base64')].join('$'),
      [...parts.slice(0, 4), otherSalt, parts[5]].join('$'),
      ['scrypt', 16384, ...parts.slice(2)].join('$'),
      ['scrypt', 32768, 4, ...parts.slice(3)].join('$'),
      stored.replace(/^scrypt/, 'bcrypt'),
      stored.slice(0, -4), // a cut hash: its prefix would match
      stored.slice(0, -1), // no longer padded base64
      [...parts.slice(0, 4), parts[4].slice(0, 12), parts[5]].join('$'), // a shorter salt
      `${stored}$extra`,
      ['scrypt', 1000, ...parts.slice(2)].join('$'), // not a power of two
      ['scrypt', 2 ** 30, ...parts.slice(2)].join('$'), // would take a gigabyte and minutes
      'scrypt$$$$$',
      '',
    ];
    for (const bad of tampered) expect(await verifyPassword('correct horse battery', bad), bad).toBe(false);
  });

  it('verifies with the parameters written in the stored form, so they can change later', async () => {
    const salt = randomBytes(16);
    const cheap = scryptSync('an older password', salt, 32, { N: 1024, r: 4, p: 2 });
    const stored = `scrypt$1024$4$2$${salt.toString('base64')}$${cheap.toString('base64')}`;
    expect(await verifyPassword('an older password', stored)).toBe(true);
    expect(await verifyPassword('another password', stored)).toBe(false);
    // The same bytes read with other parameters do not match.
    expect(await verifyPassword('an older password', stored.replace('$4$2$', '$8$2$'))).toBe(false);
  });

  it('refuses passwords shorter than 10 or longer than 1024 characters, without quoting them', async () => {
    await expect(hashPassword('short1234')).rejects.toThrow(PasswordRuleError);
    await expect(hashPassword('short1234')).rejects.toThrow(/at least 10 characters/);
    await expect(hashPassword('')).rejects.toThrow(PasswordRuleError);
    await expect(hashPassword('x'.repeat(1025))).rejects.toThrow(/at most 1024 characters/);
    const error = await hashPassword('secret123').catch((e: Error) => e);
    expect(String(error)).not.toContain('secret123');
    // Characters, not UTF-16 units or bytes: ten emoji are ten characters.
    expect(await verifyPassword('🔑'.repeat(10), await hashPassword('🔑'.repeat(10)))).toBe(true);
    expect(await verifyPassword('x'.repeat(1024), await hashPassword('x'.repeat(1024)))).toBe(true);
    expect(await verifyPassword('x'.repeat(5000), await hashPassword('x'.repeat(1024)))).toBe(false);
  });

  it('treats full-width and half-width forms of a password as the same (NFKC)', async () => {
    const stored = await hashPassword('Password2026');
    expect(await verifyPassword('Ｐａｓｓｗｏｒｄ２０２６', stored)).toBe(true);
  });
});
