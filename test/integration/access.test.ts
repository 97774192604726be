// Who may reach the API at all: the IP allowlist, and tokens made and revoked
// with the `npx helpdesk token` command against the run's real database.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOKEN_CACHE_TTL_MS } from '../../api/tokens';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const run = promisify(execFile);
const helpdesk = (...args: string[]) =>
  run(process.execPath, ['bin/helpdesk.js', ...args], { env: { ...process.env, DATABASE_URL: inject('databaseUrl') } });

describe('the IP allowlist', () => {
  let outside: TestStack;
  let inside: TestStack;

  beforeAll(async () => {
    outside = await startTestStack({ API_ALLOWED_IPS: '10.0.0.0/8, 192.168.1.7' });
    inside = await startTestStack({ API_ALLOWED_IPS: '10.0.0.0/8,127.0.0.0/8' });
  });

  afterAll(async () => {
    await outside?.stop();
    await inside?.stop();
  });

  it('refuses an address outside API_ALLOWED_IPS with 403, even with a valid token, and audits it once a minute', async () => {
    const since = new Date(Date.now() - 1000);
    const write = await outside.call('ivan', 'POST', '/api/tickets', { customer: { email: 'a@example.jp' }, subject: 's', body: 'b' });
    expect(write.status).toBe(403);
    const refused = await outside.call('mona', 'GET', '/api/tickets');
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/127\.0\.0\.1.*API_ALLOWED_IPS/);
    // Refused before any token is looked at: at most one line per address per minute (api/audit.ts).
    const audit = await outside.db.selectFrom('audit_log').selectAll().where('status', '=', 403).where('ip', '=', '127.0.0.1').where('user_name', 'is', null).where('at', '>=', since).execute();
    expect(audit.map((line) => [line.method, line.path])).toEqual([['POST', '/api/tickets']]);
  });

  it('lets an address inside a listed range through', async () => {
    expect((await inside.call('mona', 'GET', '/api/tickets')).status).toBe(200);
  });
});

describe('npx helpdesk token', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('creates a token that works, prints only the token, lists it, and revokes it', async () => {
    const created = await helpdesk('token', 'create', '--user', 'zoe', '--role', 'manager');
    const token = created.stdout.trim();
    expect(created.stdout).toMatch(/^hd_[\w-]+\n$/);
    const asZoe = await fetch(`${stack.apiUrl}/api/audit?user=zoe`, { headers: { authorization: `Bearer ${token}` } });
    expect(asZoe.status).toBe(200);

    const stored = await stack.db.selectFrom('api_tokens').selectAll().where('user_name', '=', 'zoe').executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    const listed = await helpdesk('token', 'list');
    expect(listed.stdout).toMatch(/\tzoe\tmanager\t.*\tactive/);

    await helpdesk('token', 'revoke', '--user', 'zoe');
    // The API trusts a token it has looked up for TOKEN_CACHE_TTL_MS (5 s): refused within that.
    const revoked = () => fetch(`${stack.apiUrl}/api/tickets`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status === 401);
    await eventually(revoked, TOKEN_CACHE_TTL_MS + 2_000);
  });

  it('refuses a bad role, and an agent without a level, with a clear message', async () => {
    await expect(helpdesk('token', 'create', '--user', 'x', '--role', 'boss')).rejects.toMatchObject({ stderr: expect.stringMatching(/--role must be one of/) });
    await expect(helpdesk('token', 'create', '--user', 'x', '--role', 'agent')).rejects.toMatchObject({ stderr: expect.stringMatching(/--level/) });
  });
});
