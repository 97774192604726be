// What the API takes, checked before anything is stored or asked: strings
// without the characters that jam a ticket, JSON that says it is JSON, bodies
// within their limits, path parameters of the right shape. In process, on the
// real createApp with stub dependencies (test/support/stub-app.ts).
import { describe, expect, it } from 'vitest';
import { AGENT, consoleEnv, INTEGRATOR, MANAGER, stubApp } from '../support/stub-app';
import type { Actor } from '../../workflows/ticket-types';

const { app } = stubApp();
/** api/app.ts JSON_BODY_LIMIT (not imported: these tests ran on the code before it too). */
const JSON_BODY_LIMIT = 4 * 1024 * 1024;

async function post(path: string, body: unknown, actor: Actor = AGENT, headers: Record<string, string> = {}) {
  const response = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }, consoleEnv(actor));
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json().catch(() => undefined)) as any };
}

async function get(path: string, actor: Actor = AGENT) {
  const response = await app.request(path, {}, consoleEnv(actor));
  return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
}

const ticket = (fields: Record<string, unknown> = {}) => ({ customer: { email: 'a@example.jp', name: '山田' }, subject: '件名', body: '本文', ...fields });

describe('strings that jam a ticket are refused, naming the field', () => {
  it.each([
    ['a NUL in the subject', ticket({ subject: 'a\u0000b' }), 'subject'],
    ['a NUL in the inquiry', ticket({ body: 'line\u0000' }), 'body'],
    ['a lone high surrogate in the inquiry', ticket({ body: 'ok \ud800 then' }), 'body'],
    ['a lone low surrogate in the name', ticket({ customer: { email: 'a@example.jp', name: '\udc00' } }), 'customer.name'],
    ['a C1 control (NEL) in the subject', ticket({ subject: 'a\u0085b' }), 'subject'],
    ['ESC in the inquiry', ticket({ body: 'colour \u001b[31m' }), 'body'],
    ['DEL in the name', ticket({ customer: { email: 'a@example.jp', name: 'x\u007f' } }), 'customer.name'],
    ['a NUL in the address', ticket({ customer: { email: 'a\u0000@example.jp' } }), 'customer.email'],
    ['a vertical tab, which trimming would hide', ticket({ subject: '\u000bsubject' }), 'subject'],
  ])('POST /api/tickets: %s', async (_, body, field) => {
    const answer = await post('/api/tickets', body, INTEGRATOR);
    expect(answer.status).toBe(400);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status: 400, field });
    expect(answer.body.detail).toContain(field);
  });

  it.each([
    ['memos', { body: 'x\u0000' }, 'body'],
    ['follow-ups', { channel: 'phone', body: '\u0001' }, 'body'],
    ['phone-calls', { direction: 'inbound', body: 'call\u0007' }, 'body'],
    ['close', { resolution: 'done\u001f' }, 'resolution'],
    ['memos/1/review', { decision: 'reject', comment: 'no\u0000' }, 'comment'],
    ['queue', { queue: 'q\u0000' }, 'queue'],
    ['owner', { owner: 'bob\u0085' }, 'owner'],
    ['escalate', { level: 'L2', reason: 'two\nlines' }, 'reason'],
    ['answer', { memoId: '1\u0000' }, 'memoId'],
  ])('POST /api/tickets/:number/%s', async (path, body, field) => {
    const answer = await post(`/api/tickets/2026010100001/${path}`, body, MANAGER);
    expect(answer).toMatchObject({ status: 400, body: { field } });
  });

  it('POST /api/spam/train: a NUL in an id', async () => {
    expect(await post('/api/spam/train', { articleId: '1\u0000', verdict: 'spam' })).toMatchObject({ status: 400, body: { field: 'articleId' } });
  });

  it('tab anywhere, and CR/LF in the multi-line texts, are taken (the stub then finds no ticket: 404)', async () => {
    for (const [path, body] of [
      ['memos', { body: '一行目\r\n二行目\n\tインデント' }],
      ['follow-ups', { channel: 'email', body: 'a\nb' }],
      ['phone-calls', { direction: 'outbound', body: 'a\r\nb' }],
      ['close', { resolution: 'fixed:\n- restarted' }],
      ['memos/1/review', { decision: 'reject', comment: 'please\nrewrite' }],
      ['escalate', { level: 'L2', reason: 'needs\tL2' }],
    ] as const) {
      expect((await post(`/api/tickets/2026010100001/${path}`, body, MANAGER)).status, path).toBe(404);
    }
    expect((await post('/api/tickets/2026010100001/memos', { body: '😀 and 𠮷 are pairs' }, MANAGER)).status).toBe(404);
  });

  it('query parameters: 400 naming the parameter, never 500', async () => {
    expect(await get('/api/tickets?queue=%00')).toMatchObject({ status: 400, body: { field: 'queue' } });
    expect(await get('/api/tickets?owner=a%0Ab')).toMatchObject({ status: 400, body: { field: 'owner' } });
    expect(await get('/api/audit?user=%00', MANAGER)).toMatchObject({ status: 400, body: { field: 'user' } });
    expect(await get('/api/audit?ticket=%C2%85', MANAGER)).toMatchObject({ status: 400, body: { field: 'ticket' } });
    expect(await get('/api/sla/summary?from=%00')).toMatchObject({ status: 400, body: { field: 'from' } });
    // Bytes that are no UTF-8 (a lone surrogate's encoding) stay as they were sent: a name of nothing, not an error.
    expect((await get('/api/tickets?owner=%ED%A0%80')).status).toBe(200);
  });

  it('path parameters: a control character is 400 naming it; a wrong shape is 404; never 500', async () => {
    expect(await get('/api/tickets/%00')).toMatchObject({ status: 400, body: { field: 'number' } });
    expect(await get('/api/tickets/1%00/articles')).toMatchObject({ status: 400, body: { field: 'number' } });
    expect((await post('/api/tickets/%00/acknowledge', {})).status).toBe(400);
    expect(await post('/api/tickets/2026010100001/memos/%01/review', { decision: 'approve' }, MANAGER)).toMatchObject({ status: 400, body: { field: 'memoId' } });
    for (const path of [
      '/api/tickets/abc',
      `/api/tickets/${'9'.repeat(5000)}`,
      '/api/tickets/%ED%A0%80',
      '/api/tickets/2026010100001/articles/99999999999999999999/attachments/1',
      '/api/tickets/2026010100001/articles/1/attachments/99999999999',
      '/api/tickets/2026010100001/articles/1/attachments/0',
      '/api/tickets/2026010100001/articles/-1/raw',
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });
});

describe('JSON bodies must say they are JSON', () => {
  it('JSON sent as text/plain is 415, before the body is read', async () => {
    const answer = await post('/api/tickets/2026010100001/acknowledge', '{}', AGENT, { 'content-type': 'text/plain;charset=UTF-8' });
    expect(answer).toMatchObject({ status: 415, body: { status: 415, field: 'Content-Type' } });
    expect(answer.type).toContain('application/problem+json');
    expect((await post('/api/tickets', JSON.stringify(ticket()), INTEGRATOR, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
  });

  it('application/json with a charset, and a bodiless POST, are taken', async () => {
    expect((await post('/api/tickets/2026010100001/acknowledge', '{}', AGENT, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(404);
    const bare = await app.request('/api/tickets/2026010100001/acknowledge', { method: 'POST' }, consoleEnv(AGENT));
    expect(bare.status).toBe(404);
  });
});

describe('body limits', () => {
  const { app: small } = stubApp({ env: { MAX_MESSAGE_BYTES: '1KB' } });

  /** A body of `size` bytes that counts how much of it was read. */
  function countedBody(size: number, chunk = 64 * 1024) {
    const read = { bytes: 0 };
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const n = Math.min(chunk, size - read.bytes);
        if (n <= 0) return controller.close();
        read.bytes += n;
        controller.enqueue(new Uint8Array(n).fill(0x61));
      },
    });
    return { stream, read };
  }

  it('a JSON body past 4 MB is a 413 problem, declared or streamed, and is not read past the limit', async () => {
    const declared = countedBody(JSON_BODY_LIMIT + 1);
    const refused = await app.request(
      '/api/tickets/2026010100001/memos',
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(JSON_BODY_LIMIT + 1) }, body: declared.stream, duplex: 'half' } as RequestInit,
      consoleEnv(AGENT),
    );
    expect(refused.status).toBe(413);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(((await refused.json()) as any).detail).toMatch(/at most 4194304 bytes/);
    expect(declared.read.bytes).toBeLessThanOrEqual(64 * 1024);

    const streamed = countedBody(3 * JSON_BODY_LIMIT);
    const refusedToo = await app.request(
      '/api/tickets/2026010100001/memos',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: streamed.stream, duplex: 'half' } as RequestInit,
      consoleEnv(AGENT),
    );
    expect(refusedToo.status).toBe(413);
    expect(streamed.read.bytes).toBeLessThanOrEqual(JSON_BODY_LIMIT + 2 * 64 * 1024);
  });

  it('a memo at its limit of 1,000,000 Japanese characters (3 MB of UTF-8) still fits', async () => {
    const answer = await post('/api/tickets/2026010100001/memos', { body: 'あ'.repeat(1_000_000) }, AGENT);
    expect(answer.status).toBe(404);
  });

  it('a mail may be twice MAX_MESSAGE_BYTES', async () => {
    const send = (size: number) =>
      small.request('/api/intake/mail', { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: new Uint8Array(size).fill(0x61) }, consoleEnv(INTEGRATOR));
    expect((await send(2049)).status).toBe(413);
    expect((await send(2048)).status).not.toBe(413);
  });

  it("the console's form posts: 4 MB", async () => {
    const form = `user=alice&password=${'x'.repeat(4 * 1024 * 1024)}`;
    const refused = await app.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect(refused.status).toBe(413);
  });
});
