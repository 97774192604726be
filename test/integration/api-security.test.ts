// The API's defences on the real servers: Idempotency-Key bound to its
// request, checked after the role and expiring; body limits; no input that
// makes a route answer 500; article pages; answers that match /openapi.json;
// X-Forwarded-For believed only from a trusted proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../api/tokens';
import { startTestStack, eventually, type TestStack } from '../support/stack';

let stack: TestStack;
const run = Date.now().toString(36);

beforeAll(async () => {
  stack = await startTestStack({ MAX_MESSAGE_BYTES: '64KB' });
});

afterAll(async () => {
  await stack?.stop();
});

async function post(token: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, body: json, headers: response.headers };
}

async function openTicket(subject = `security ${run}`) {
  const created = await stack.call('ivan', 'POST', '/api/tickets', { customer: { email: `sec-${run}@example.jp` }, subject, body: '本文\n二行目' });
  expect(created.status).toBe(201);
  return created.body.number as string;
}

describe('Idempotency-Key', () => {
  it('expired keys (older than 24 h) are deleted as requests with keys come', async () => {
    await stack.db
      .insertInto('idempotency_keys')
      .values({ user_name: `old-${run}`, key: 'k', request: 'POST /api/tickets', status: 201, response: '{}', created_at: new Date(Date.now() - 25 * 3_600_000) })
      .execute();
    await post(stack.tokens.ivan, '/api/tickets', { customer: { email: `sweep-${run}@example.jp` }, subject: 's', body: 'b' }, { 'idempotency-key': `sweep-${run}` });
    await eventually(async () => !(await stack.db.selectFrom('idempotency_keys').select('key').where('user_name', '=', `old-${run}`).executeTakeFirst()));
  });

  it('the same key with another body is 422; with the same body, the first answer', async () => {
    const key = `body-${run}`;
    const send = (subject: string) => post(stack.tokens.ivan, '/api/tickets', { customer: { email: `idem-${run}@example.jp` }, subject, body: '電話' }, { 'idempotency-key': key });
    const first = await send('一件目');
    expect(first.status).toBe(201);
    const other = await send('二件目');
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect(other.body.detail).toMatch(/different body/);
    const again = await send('一件目');
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replay')).toBe('true');
    expect(again.body.number).toBe(first.body.number);
    const rows = await stack.db.selectFrom('tickets').select('number').where('customer_email', '=', `idem-${run}@example.jp`).execute();
    expect(rows).toHaveLength(1);
  });

  it("the role is checked before a stored answer is replayed: another token of the same user never gets a manager's answer", async () => {
    const number = await openTicket();
    const user = `bob-${run}`;
    const manager = await createToken(stack.db, user, 'manager');
    const integrator = await createToken(stack.db, user, 'integrator');
    const key = `role-${run}`;
    const first = await post(manager, `/api/tickets/${number}/priority`, { priority: 'P1' }, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    const replayed = await post(integrator, `/api/tickets/${number}/priority`, { priority: 'P1' }, { 'idempotency-key': key });
    expect(replayed.status).toBe(403);
    expect(replayed.headers.get('idempotent-replay')).toBeNull();
    expect(JSON.stringify(replayed.body)).not.toContain('"priority":"P1"');
  });

  it('after 24 h the key starts a new request', async () => {
    const key = `expiry-${run}`;
    const send = (subject: string) => post(stack.tokens.ivan, '/api/tickets', { customer: { email: `expiry-${run}@example.jp` }, subject, body: 'b' }, { 'idempotency-key': key });
    const first = await send('first');
    expect(first.status).toBe(201);
    await stack.db.updateTable('idempotency_keys').set({ created_at: new Date(Date.now() - 24 * 3_600_000 - 60_000) }).where('user_name', '=', 'ivan').where('key', '=', key).execute();
    const later = await send('a day later');
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replay')).toBeNull();
    expect(later.body.number).not.toBe(first.body.number);
  });

  it('a key with a control character is 400 naming the header', async () => {
    const answer = await post(stack.tokens.ivan, '/api/tickets', { customer: { email: 'a@example.jp' }, subject: 's', body: 'b' }, { 'idempotency-key': 'a\u0085b' });
    expect(answer).toMatchObject({ status: 400, body: { field: 'Idempotency-Key' } });
  });
});

describe('body limits on the real server', () => {
  it('JSON past 4 MB: 413 problem; a mail past 2 × MAX_MESSAGE_BYTES: 413', async () => {
    const big = await post(stack.tokens.alice, '/api/tickets/2026010100001/memos', { body: 'x'.repeat(5 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ status: 413, title: 'Payload too large' });
    const mail = await fetch(`${stack.apiUrl}/api/intake/mail`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.tokens.ivan}`, 'content-type': 'message/rfc822' },
      body: new Uint8Array(2 * 64 * 1024 + 1).fill(0x61),
    });
    expect(mail.status).toBe(413);
  });

  it("a body refused before it is read (403) leaves the client's keep-alive connection usable", async () => {
    const errors: string[] = [];
    for (let round = 0; round < 5; round++) {
      try {
        // An agent may not review: refused before the body is read.
        const refused = await fetch(`${stack.apiUrl}/api/tickets/2026010100001/memos/1/review`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.tokens.alice}`, 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'reject', comment: 'x'.repeat(200_000) }),
        });
        expect(refused.status).toBe(403);
        await refused.text();
        // Past @hono/node-server's 500 ms drain timeout, on the same pooled connection.
        for (let i = 0; i < 10; i++) {
          const ok = await fetch(`${stack.apiUrl}/healthz`);
          await ok.text();
          await new Promise((r) => setTimeout(r, 60));
        }
      } catch (error) {
        errors.push(String((error as Error).cause ?? error));
      }
    }
    expect(errors).toEqual([]);
  });

  it('JSON sent as text/plain is 415', async () => {
    const answer = await post(stack.tokens.ivan, '/api/tickets', JSON.stringify({ customer: { email: 'a@example.jp' }, subject: 's', body: 'b' }), { 'content-type': 'text/plain' });
    expect(answer.status).toBe(415);
  });
});

describe('bad input never makes a route answer 500', () => {
  it('every route of /openapi.json, with bad path parameters, queries and bodies', async () => {
    const number = await openTicket('fuzz');
    const articles = await stack.call('alice', 'GET', `/api/tickets/${number}/articles`);
    const articleId = articles.body.articles[0].id as string;
    const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as any;
    const badSegments = ['%00', '%01', '%C2%85', '%ED%A0%80', '%FF', '9'.repeat(30), 'abc', '-1', '0', '1.5', '%25', 'x'.repeat(3000)];
    const badValues = ['\u0000', '\ud800', '\u001b[2J', '9'.repeat(40), '-1', '', 'x'.repeat(200_000)];
    const good: Record<string, string> = { number, id: articleId, n: '1', memoId: '1' };
    const failures: string[] = [];
    let probes = 0;

    async function probe(method: string, path: string, body?: unknown, user: 'mona' | 'ivan' = 'mona') {
      let response: Response;
      try {
        response = await fetch(`${stack.apiUrl}${path}`, {
          method: method.toUpperCase(),
          headers: { authorization: `Bearer ${stack.tokens[user]}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        });
        await response.arrayBuffer();
      } catch (error) {
        failures.push(`${method} ${path.slice(0, 120)} ${JSON.stringify(body)?.slice(0, 80)} → ${String((error as Error).cause ?? error)}`);
        return;
      }
      probes++;
      if (response.status >= 500 && response.status !== 503) failures.push(`${method} ${path.slice(0, 120)} ${JSON.stringify(body)?.slice(0, 80)} → ${response.status}`);
    }

    for (const [template, methods] of Object.entries<any>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(methods)) {
        if (template === '/api/intake/mail' || template.endsWith('/follow-ups')) continue; // below, without waiting on the intake or a follow-up
        const fill = (values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? good[name]);
        const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        for (const name of names) for (const segment of badSegments) await probe(method, fill({ [name]: segment }), method === 'post' ? {} : undefined);
        const validPath = fill({});
        for (const parameter of operation.parameters.filter((p: any) => p.in === 'query')) {
          // A lone surrogate cannot be percent-encoded; its bytes (%ED%A0%80) are sent below.
          for (const value of badValues.filter((v) => v !== '\ud800')) await probe(method, `${validPath}?${parameter.name}=${encodeURIComponent(value).slice(0, 8000)}`);
          await probe(method, `${validPath}?${parameter.name}=%ED%A0%80`);
        }
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        if (!schema) continue;
        for (const body of ['null', '[]', '"text"', '1e999', '{"a":'.repeat(2000), {}]) await probe(method, validPath, body);
        for (const field of Object.keys(schema.properties ?? {})) {
          for (const value of [...badValues, 12, true, null, [], { nested: '\u0000' }]) await probe(method, validPath, { [field]: value });
        }
      }
    }
    for (const body of [{ channel: 'phone', body: '\u0000' }, { channel: 'phone', body: '\ud800' }, { channel: 1 }]) await probe('post', `/api/tickets/${number}/follow-ups`, body);
    for (const segment of badSegments) await probe('post', `/api/tickets/${segment}/follow-ups`, {});
    expect(failures).toEqual([]);
    expect(probes).toBeGreaterThan(1000);
  }, 600_000);
});

describe('downloads', () => {
  it("a customer's file is served as a download that no browser runs: nosniff, a sandboxing CSP, an encoded name", async () => {
    const number = await openTicket('attachment');
    const [article] = (await stack.call('alice', 'GET', `/api/tickets/${number}/articles`)).body.articles;
    await stack.db
      .insertInto('article_attachments')
      .values({ article_id: article.id, position: 1, filename: `it's "evil".html`, content_type: 'text/html', size: 30, sha256: 'x'.repeat(64), content: Buffer.from('<script>alert(1)</script>') })
      .execute();
    const file = await fetch(`${stack.apiUrl}/api/tickets/${number}/articles/${article.id}/attachments/1`, { headers: { authorization: `Bearer ${stack.tokens.alice}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''it%27s%20%22evil%22.html`);
    const tooFar = await stack.call('alice', 'GET', `/api/tickets/${number}/articles/${article.id}/attachments/2147483648`);
    expect(tooFar.status).toBe(404);
  });
});

describe('answers match /openapi.json', () => {
  it('the ticket view, the list and the article pages parse with their documented schemas', async () => {
    const shapes = await import('../../api/response-schemas');
    // An integrator gets the ticket's receipt only: no customer, owner or memos (issue 15, item 6).
    const fed = await stack.call('ivan', 'POST', '/api/tickets', { customer: { email: `shape-${run}@example.jp`, name: '山田' }, subject: 'shape', body: 'inquiry' });
    expect(shapes.ticketOrReceipt.safeParse(fed.body).error).toBeUndefined();
    expect(Object.keys(fed.body).sort()).toEqual(['createdAt', 'number', 'status']);
    const created = await stack.call('alice', 'POST', '/api/tickets', { customer: { email: `shape-${run}@example.jp`, name: '山田' }, subject: 'shape', body: 'inquiry' });
    expect(shapes.ticketView.safeParse(created.body).error).toBeUndefined();
    const number = created.body.number as string;
    const view = await stack.call('alice', 'GET', `/api/tickets/${number}`);
    expect(shapes.ticketView.safeParse(view.body).error).toBeUndefined();
    const list = await stack.call('alice', 'GET', '/api/tickets?limit=20');
    expect(shapes.ticketList.safeParse(list.body).error).toBeUndefined();
    const page = await stack.call('alice', 'GET', `/api/tickets/${number}/articles`);
    expect(shapes.articlePage.safeParse(page.body).error).toBeUndefined();
    const sla = await stack.call('alice', 'GET', `/api/tickets/${number}/sla`);
    expect(shapes.slaReport.safeParse(sla.body).error).toBeUndefined();
    const audit = await stack.call('mona', 'GET', `/api/audit?ticket=${number}`);
    expect(shapes.auditEntries.safeParse(audit.body).error).toBeUndefined();

    const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as any;
    for (const [path, method, status] of [
      ['/api/tickets/{number}', 'get', '200'],
      ['/api/tickets', 'get', '200'],
      ['/api/tickets/{number}/articles', 'get', '200'],
      ['/api/tickets/{number}/close', 'post', '200'],
    ]) {
      expect(doc.paths[path][method].responses[status].content['application/json'].schema.type, `${method} ${path}`).toBe('object');
    }
    expect(doc.paths['/api/tickets'].post.responses['201'].content['application/json'].schema.anyOf).toHaveLength(2);
  });
});

describe('GET /api/tickets/:number/articles is paged', () => {
  it('?limit and ?after, with the next cursor in the answer', async () => {
    const number = await openTicket('paging');
    for (const n of [1, 2, 3]) expect((await stack.call('ivan', 'POST', `/api/tickets/${number}/phone-calls`, { direction: 'inbound', body: `call ${n}` })).status).toBe(200);
    const all = await stack.call('alice', 'GET', `/api/tickets/${number}/articles`);
    expect(all.body.articles).toHaveLength(4);
    expect(all.body.next).toBeNull();
    const first = await stack.call('alice', 'GET', `/api/tickets/${number}/articles?limit=3`);
    expect(first.body.articles.map((a: any) => a.body)).toEqual(['本文\n二行目', 'call 1', 'call 2']);
    expect(first.body.next).toBe(first.body.articles[2].id);
    const second = await stack.call('alice', 'GET', `/api/tickets/${number}/articles?limit=3&after=${first.body.next}`);
    expect(second.body.articles.map((a: any) => a.body)).toEqual(['call 3']);
    expect(second.body.next).toBeNull();
    expect((await stack.call('alice', 'GET', `/api/tickets/${number}/articles?limit=501`)).status).toBe(400);
    expect((await stack.call('alice', 'GET', `/api/tickets/${number}/articles?limit=0`)).status).toBe(400);
    expect((await stack.call('alice', 'GET', `/api/tickets/${number}/articles?after=x`)).status).toBe(400);
  });
});

describe('X-Forwarded-For from a trusted proxy', () => {
  let proxied: TestStack;

  beforeAll(async () => {
    proxied = await startTestStack({ API_ALLOWED_IPS: '203.0.113.0/24', TRUSTED_PROXIES: '127.0.0.1' });
  });

  afterAll(async () => {
    await proxied?.stop();
  });

  const through = (forwardedFor: string | undefined, init: RequestInit = {}) =>
    fetch(`${proxied.apiUrl}/api/tickets`, { ...init, headers: { authorization: `Bearer ${proxied.tokens.ivan}`, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}), ...(init.headers as object) } });

  it('the client behind the proxy is what the allowlist and the audit log see', async () => {
    expect((await through(undefined)).status).toBe(403);
    const spoofed = await through('203.0.113.5, 198.51.100.1');
    expect(spoofed.status).toBe(403);
    expect(((await spoofed.json()) as any).detail).toContain('198.51.100.1');
    const created = await through('198.51.100.1, 203.0.113.5', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer: { email: `proxied-${run}@example.jp` }, subject: 'via proxy', body: 'b' }),
    });
    expect(created.status).toBe(201);
    const { number } = (await created.json()) as { number: string };
    const line = await proxied.db.selectFrom('audit_log').select(['ip', 'status']).where('ticket_number', '=', number).executeTakeFirstOrThrow();
    expect(line).toEqual({ ip: '203.0.113.5', status: 201 });
  });
});
