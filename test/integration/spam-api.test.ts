// POST /api/spam/train over HTTP, on the product as `npm start` wires it.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

async function tokenRow(token: string) {
  return stack.db.selectFrom('spam_tokens').select(['spam_count', 'ham_count']).where('token', '=', token).executeTakeFirst();
}

async function storeRawMail(raw: Buffer): Promise<string> {
  const row = await stack.db
    .insertInto('raw_messages')
    .values({ sha256: randomBytes(8).toString('hex'), raw, size: raw.length, source: 'test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('POST /api/spam/train', () => {
  it("trains a phone ticket's inquiry by article id, once per verdict", async () => {
    const tag = randomBytes(4).toString('hex');
    const created = await stack.call('ivan', 'POST', '/api/tickets', {
      customer: { email: 'lottery@spam.example' },
      subject: `当選${tag}のお知らせ`,
      body: `winner${tag} claim your prize`,
    });
    expect(created.status).toBe(201);
    const article = await stack.db
      .selectFrom('articles')
      .select('id')
      .where('ticket_number', '=', created.body.number)
      .where('direction', '=', 'inbound')
      .executeTakeFirstOrThrow();

    const trained = await stack.call('alice', 'POST', '/api/spam/train', { articleId: article.id, verdict: 'spam' });
    expect(trained).toMatchObject({ status: 200, body: { key: `article:${article.id}`, verdict: 'spam', outcome: 'learned' } });
    expect(await tokenRow(`winner${tag}`)).toEqual({ spam_count: 1, ham_count: 0 });
    expect(await tokenRow('from:spam.example')).toBeDefined();

    expect((await stack.call('rita', 'POST', '/api/spam/train', { articleId: article.id, verdict: 'spam' })).body.outcome).toBe('unchanged');
    expect((await stack.call('mona', 'POST', '/api/spam/train', { articleId: article.id, verdict: 'ham' })).body.outcome).toBe('moved');
    expect(await tokenRow(`winner${tag}`)).toEqual({ spam_count: 0, ham_count: 1 });

    const audit = await stack.db.selectFrom('audit_log').select(['action', 'ticket_number', 'status']).where('action', '=', 'spam.train').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit).toEqual({ action: 'spam.train', ticket_number: created.body.number, status: 200 });
  });

  it('trains a raw mail by its id, and an article with that mail under the same key', async () => {
    const raw = readFileSync(join(__dirname, '../fixtures/mail/ja-shift_jis.eml'));
    const rawMessageId = await storeRawMail(raw);
    const byRaw = await stack.call('alice', 'POST', '/api/spam/train', { rawMessageId, verdict: 'ham' });
    expect(byRaw).toMatchObject({ status: 200, body: { key: `raw:${rawMessageId}`, outcome: 'learned' } });
    // Decoded by the intake's decoder: the Shift_JIS subject gives Japanese bigrams.
    const record = await stack.db.selectFrom('spam_trained_messages').select('tokens').where('key', '=', `raw:${rawMessageId}`).executeTakeFirstOrThrow();
    expect(record.tokens).toContain('subj:障害');

    const article = await stack.db
      .insertInto('articles')
      .values({ ticket_number: null, kind: 'inquiry', direction: 'inbound', channel: 'email', body: 'decoded text', raw_message_id: rawMessageId })
      .returning('id')
      .executeTakeFirstOrThrow();
    const byArticle = await stack.call('alice', 'POST', '/api/spam/train', { articleId: article.id, verdict: 'ham' });
    expect(byArticle.body).toEqual({ key: `raw:${rawMessageId}`, verdict: 'ham', outcome: 'unchanged' });
  });

  it('answers 404 for an unknown article or raw message', async () => {
    for (const body of [{ articleId: '999999999999', verdict: 'spam' }, { rawMessageId: '999999999999', verdict: 'spam' }]) {
      const response = await stack.call('alice', 'POST', '/api/spam/train', body);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.detail).toMatch(/no (article|raw message) 999999999999/);
    }
  });

  it('refuses bad requests and roles that do not work tickets', async () => {
    const both = await stack.call('alice', 'POST', '/api/spam/train', { articleId: '1', rawMessageId: '1', verdict: 'spam' });
    expect(both.status).toBe(400);
    expect(both.body.detail).toContain('exactly one of articleId and rawMessageId');
    const badVerdict = await stack.call('alice', 'POST', '/api/spam/train', { articleId: '1', verdict: 'maybe' });
    expect(badVerdict).toMatchObject({ status: 400, body: { field: 'verdict' } });
    expect((await stack.call('ivan', 'POST', '/api/spam/train', { articleId: '1', verdict: 'spam' })).status).toBe(403);
    expect((await stack.call(null, 'POST', '/api/spam/train', { articleId: '1', verdict: 'spam' })).status).toBe(401);
  });

  it('is described in /openapi.json', async () => {
    const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as any;
    const operation = doc.paths['/api/spam/train'].post;
    expect(Object.keys(operation.requestBody.content['application/json'].schema.properties)).toEqual(['articleId', 'rawMessageId', 'verdict']);
  });
});
