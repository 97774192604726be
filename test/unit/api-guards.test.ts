// Who may reach the API, and what it keeps of those it refuses: Hono's
// bearerAuth (with the console's in-process hook), the allowlist behind
// trusted proxies, the audit log's limits for clients without a token, the
// public health check. In process, on the real createApp with stub dependencies.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Client } from '@temporalio/client';
import { hashToken } from '../../api/tokens';
import { AGENT, connection, consoleEnv, MANAGER, stubApp, stubTemporal, type StubQuery } from '../support/stub-app';

const GOOD = 'hd_good-token_123';
const tokens = ({ sql, parameters }: StubQuery) =>
  sql.includes('"api_tokens"') && parameters.includes(hashToken(GOOD)) ? [{ user_name: 'ivan', role: 'integrator', level: null }] : [];

const audited = (queries: StubQuery[]) => queries.filter((q) => q.sql.startsWith('insert into "audit_log"'));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("Hono's bearerAuth, in our problem details", () => {
  const { app } = stubApp({ answer: tokens });
  const call = (authorization?: string) =>
    app.request('/api/tickets/2026010100001/follow-ups', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization !== undefined ? { authorization } : {}) },
      body: JSON.stringify({ channel: 'phone', body: 'x' }),
    });

  it('no Authorization header: 401 with WWW-Authenticate and a problem body', async () => {
    const response = await call();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="helpdesk"');
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthenticated', detail: expect.stringMatching(/Bearer <token>/) });
  });

  it('a header that is not "Bearer <token>": 400, with WWW-Authenticate error="invalid_request"', async () => {
    for (const header of ['Basic YWxpY2U6c2VjcmV0', 'Bearer', 'Bearer two words', 'Bearer tok\u00e9n']) {
      const response = await call(header);
      expect(response.status, header).toBe(400);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_request"/);
      expect(await response.json()).toMatchObject({ status: 400, field: 'Authorization' });
    }
  });

  it('an unknown token: 401, WWW-Authenticate error="invalid_token", "unknown or revoked"', async () => {
    const response = await call('Bearer hd_made_up');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(((await response.json()) as any).detail).toMatch(/unknown or revoked/);
  });

  it('a known token passes (the stub then has no such ticket: 404)', async () => {
    expect((await call(`Bearer ${GOOD}`)).status).toBe(404);
    expect((await call(`bearer ${GOOD}`)).status).toBe(404);
  });

  it("the console's in-process request needs no token: the actor comes from the server-side environment", async () => {
    const response = await app.request('/api/tickets', {}, consoleEnv(MANAGER));
    expect(response.status).toBe(200);
  });
});

describe('the allowlist sees the client behind a trusted proxy', () => {
  const { app, queries } = stubApp({ env: { API_ALLOWED_IPS: '203.0.113.0/24', TRUSTED_PROXIES: '10.0.0.0/8, ::1' } });
  const from = (peer: string, forwardedFor?: string) =>
    app.request('/api/tickets', { headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }, { consoleActor: MANAGER, ...connection(peer, forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) });

  it('from a trusted proxy: the right-most address that is not a proxy counts', async () => {
    expect((await from('10.0.0.5', '198.51.100.7, 203.0.113.9')).status).toBe(200);
    expect((await from('10.0.0.5', '203.0.113.9, 10.1.1.1')).status).toBe(200);
    expect((await from('::1', '[203.0.113.9]:4711')).status).toBe(200);
    // The client wrote the left part itself: an allowed address there proves nothing.
    const spoofed = await from('10.0.0.5', '203.0.113.9, 198.51.100.7');
    expect(spoofed.status).toBe(403);
    expect(((await spoofed.json()) as any).detail).toMatch(/198\.51\.100\.7.*API_ALLOWED_IPS/);
  });

  it('from anywhere else X-Forwarded-For is ignored', async () => {
    const direct = await from('192.0.2.1', '203.0.113.9');
    expect(direct.status).toBe(403);
    expect(((await direct.json()) as any).detail).toContain('192.0.2.1');
    expect((await from('203.0.113.77')).status).toBe(200);
  });

  it('garbage in X-Forwarded-For stops at the last trusted proxy', async () => {
    const garbage = await from('10.0.0.5', '203.0.113.9, not-an-address');
    expect(garbage.status).toBe(403);
    expect(((await garbage.json()) as any).detail).toContain('10.0.0.5');
  });

  it('the audit log records the client address, not the proxy', async () => {
    const before = audited(queries).length;
    await app.request('/api/tickets', {}, connection('10.0.0.5', { 'x-forwarded-for': '198.51.100.66' }));
    const line = audited(queries).slice(before);
    expect(line).toHaveLength(1);
    expect(line[0].parameters).toContain('198.51.100.66');
    expect(line[0].parameters).not.toContain('10.0.0.5');
  });

  it('without TRUSTED_PROXIES nobody is believed', async () => {
    const { app: plain } = stubApp({ env: { API_ALLOWED_IPS: '203.0.113.0/24' } });
    const response = await plain.request('/api/tickets', { headers: { 'x-forwarded-for': '203.0.113.9' } }, { consoleActor: MANAGER, ...connection('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }) });
    expect(response.status).toBe(403);
  });
});

describe('the audit log cannot be flooded by clients without a token', () => {
  it('refusals without an actor: one line per address per minute; refused GETs included', async () => {
    const { app, queries } = stubApp();
    let now = Date.parse('2026-12-01T00:00:00Z');
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    for (let i = 0; i < 20; i++) await app.request('/api/tickets', {}, connection('198.51.100.1'));
    for (let i = 0; i < 20; i++) await app.request('/api/tickets', { method: 'POST', body: '{}' }, connection('198.51.100.1'));
    expect(audited(queries)).toHaveLength(1);
    expect(audited(queries)[0].parameters).toEqual(expect.arrayContaining(['198.51.100.1', 'GET', '/api/tickets', 401]));
    await app.request('/api/tickets', {}, connection('198.51.100.2'));
    expect(audited(queries)).toHaveLength(2);
    now += 60_000;
    await app.request('/api/tickets', { method: 'POST', body: '{}' }, connection('198.51.100.1'));
    expect(audited(queries)).toHaveLength(3);
  });

  it('a blocked address: one line per minute too', async () => {
    const { app, queries } = stubApp({ env: { API_ALLOWED_IPS: '10.0.0.0/8' } });
    for (let i = 0; i < 10; i++) expect((await app.request('/api/tickets', { method: 'POST', body: '{}' }, connection('192.0.2.9'))).status).toBe(403);
    expect(audited(queries)).toHaveLength(1);
  });

  it('the stored path is cut at 512 characters', async () => {
    const { app, queries } = stubApp();
    await app.request(`/api/${'x'.repeat(100_000)}`, { method: 'POST', body: '{}' }, consoleEnv(AGENT, '198.51.100.3'));
    const [line] = audited(queries);
    const strings = line.parameters.filter((p): p is string => typeof p === 'string');
    expect(Math.max(...strings.map((s) => s.length))).toBeLessThanOrEqual(1000);
    expect(strings.find((s) => s.startsWith('/api/x'))!.length).toBeLessThanOrEqual(512);
  });

  it('every refusal of an authenticated caller is recorded, reads included, and every accepted change', async () => {
    const { app, queries } = stubApp();
    for (let i = 0; i < 5; i++) await app.request('/api/audit', {}, consoleEnv(AGENT, '198.51.100.4'));
    for (let i = 0; i < 5; i++) {
      await app.request('/api/spam/train', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"articleId":"1","verdict":"spam"}' }, consoleEnv({ user: 'ivan', role: 'integrator' }, '198.51.100.4'));
    }
    expect(audited(queries)).toHaveLength(10);
    expect(audited(queries).map((q) => q.parameters)).toEqual(expect.arrayContaining([expect.arrayContaining(['alice', 'GET', 403])]));
  });
});

describe('/healthz is public', () => {
  it('says which part is unreachable, not why', async () => {
    const temporal = stubTemporal() as any;
    temporal.workflowService = {
      describeNamespace: async () => {
        throw new Error('14 UNAVAILABLE: connect ECONNREFUSED 10.1.2.3:7233 (postgres://helpdesk:hunter2@db.internal/helpdesk)');
      },
    };
    const { app } = stubApp({ temporal: temporal as Client });
    const response = await app.request('/healthz');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'degraded', temporal: 'unreachable', database: 'ok' });
  });
});

describe('/openapi.json describes the answers too', () => {
  it('the ticket view, the list and the article pages have response schemas; path parameters their patterns', async () => {
    const { app } = stubApp();
    const doc = (await (await app.request('/openapi.json')).json()) as any;
    const schemaOf = (path: string, method: string, status: string) => doc.paths[path][method].responses[status].content['application/json'].schema;
    const view = schemaOf('/api/tickets/{number}', 'get', '200');
    expect(view.properties).toMatchObject({ number: expect.any(Object), status: { enum: expect.arrayContaining(['new', 'closed']) }, memos: { type: 'array' } });
    expect(view.required).toEqual(expect.arrayContaining(['number', 'status', 'priority', 'customer', 'memos', 'counts']));
    expect(schemaOf('/api/tickets', 'get', '200').properties.tickets.items.properties.number).toBeDefined();
    // The desk's roles get the ticket, integrators its receipt.
    const [ticket, receipt] = schemaOf('/api/tickets', 'post', '201').anyOf;
    expect(ticket.properties.subject).toBeDefined();
    expect(Object.keys(receipt.properties).sort()).toEqual(['articleId', 'createdAt', 'number', 'status']);
    const page = schemaOf('/api/tickets/{number}/articles', 'get', '200');
    expect(Object.keys(page.properties)).toEqual(['articles', 'next']);
    expect(page.properties.articles.items.properties.attachments.type).toBe('array');
    expect(doc.paths['/api/tickets/{number}/articles'].get.parameters.map((p: any) => p.name)).toEqual(['number', 'limit', 'after']);
    expect(doc.paths['/api/tickets/{number}'].get.parameters[0].schema.pattern).toBe('^\\d{1,20}$');
    expect(doc.paths['/api/tickets'].post.requestBody.content['application/json'].schema.properties.subject.pattern).toBeDefined();
  });
});
