// The support desk's way of working, over HTTP with real tokens, on a real
// Temporal server and PostgreSQL.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Helpdesk } from '../../lib/helpdesk';
import { openTicket as openTicketOn } from '../../lib/open-ticket';
import { eventually, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

async function openTicket(priority = 'P3') {
  const created = await stack.call('ivan', 'POST', '/api/tickets', {
    customer: { email: 'yamada@example.jp', name: '山田太郎' },
    subject: 'サーバが起動しません',
    body: '昨日から起動しなくなりました。',
    priority,
  });
  expect(created.status).toBe(201);
  return created.body.number as string;
}

describe('the ticket lifecycle over HTTP', () => {
  it('carries a ticket from phone intake to close, with a follow-up loop', async () => {
    const number = await openTicket();
    expect(number).toMatch(/^\d{8}\d{5}$/);
    const path = `/api/tickets/${number}`;

    const fresh = await stack.call('alice', 'GET', path);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ number, status: 'new', owner: null, priority: 'P3', supportLevel: 'L1', channel: 'phone' });
    expect(fresh.body.customer).toEqual({ email: 'yamada@example.jp', name: '山田太郎' });

    expect((await stack.call('alice', 'POST', `${path}/queue`, { queue: 'maintenance-support' })).body.status).toBe('open');
    const acknowledged = await stack.call('alice', 'POST', `${path}/acknowledge`, {});
    expect(acknowledged.body).toMatchObject({ status: 'in_progress', owner: 'alice' });

    const memo = await stack.call('alice', 'POST', `${path}/memos`, { body: '再起動をお試しください。' });
    expect(memo.status).toBe(200);
    expect(memo.body.status).toBe('in_review');
    const memoId = memo.body.memoId as string;
    expect(memo.body.memos).toEqual([expect.objectContaining({ id: memoId, author: 'alice', status: 'in_review' })]);

    const rejected = await stack.call('rita', 'POST', `${path}/memos/${memoId}/review`, { decision: 'reject', comment: '手順を具体的に' });
    expect(rejected.body.status).toBe('in_progress');
    const second = await stack.call('alice', 'POST', `${path}/memos`, { body: '1. 電源を切る 2. 再起動する' });
    const approved = await stack.call('rita', 'POST', `${path}/memos/${second.body.memoId}/review`, { decision: 'approve' });
    expect(approved.body.status).toBe('approved');

    const answered = await stack.call('alice', 'POST', `${path}/answer`, { memoId: second.body.memoId });
    expect(answered.body.status).toBe('waiting_customer');
    expect(answered.body.slaStatus).toBe('paused');

    const followUp = await stack.call('ivan', 'POST', `${path}/follow-ups`, { channel: 'phone', body: 'まだ起動しません' });
    expect(followUp.status).toBe(200);
    // The integrator learns where the ticket stands and its article, nothing more.
    expect(followUp.body).toEqual({ number: expect.any(String), status: 'in_progress', createdAt: expect.any(String), articleId: expect.any(String) });
    expect((await stack.call('alice', 'GET', path)).body.counts.followUps).toBe(1);

    const third = await stack.call('alice', 'POST', `${path}/memos`, { body: 'ディスクを交換します' });
    await stack.call('rob', 'POST', `${path}/memos/${third.body.memoId}/review`, { decision: 'approve' });
    await stack.call('alice', 'POST', `${path}/answer`, { memoId: third.body.memoId });
    const closed = await stack.call('alice', 'POST', `${path}/close`, { resolution: 'ディスク交換で解決' });
    expect(closed.body).toMatchObject({ status: 'closed', resolution: 'ディスク交換で解決', slaStatus: 'met' });
    expect(closed.body.memos.map((m: { status: string }) => m.status)).toEqual(['rejected', 'sent', 'sent']);

    // Reopened by the customer within the reopen window.
    const reopened = await stack.call('ivan', 'POST', `${path}/follow-ups`, { channel: 'email', body: '再発しました' });
    expect(reopened.body.status).toBe('in_progress');

    // Articles: the inquiry, memos, the receipt notice and answers to the customer with the list in Cc, follow-ups.
    const articles = await eventually(async () => {
      const { body } = await stack.call('alice', 'GET', `${path}/articles`);
      return body.articles.filter((a: { kind: string }) => a.kind === 'answer').length === 2 ? body.articles : undefined;
    });
    const kinds = articles.map((a: { kind: string }) => a.kind);
    expect(kinds.filter((k: string) => k === 'receipt_notice')).toHaveLength(1);
    expect(kinds.filter((k: string) => k === 'follow_up')).toHaveLength(2);
    const answer = articles.find((a: { kind: string }) => a.kind === 'answer');
    expect(answer).toMatchObject({ direction: 'outbound', to_addresses: ['yamada@example.jp'], cc_addresses: ['team@desk.test'], body: '1. 電源を切る 2. 再起動する' });

    // The read model follows the workflow.
    const row = await eventually(() => stack.db.selectFrom('tickets').selectAll().where('number', '=', number).where('status', '=', 'in_progress').executeTakeFirst());
    expect(row.owner).toBe('alice');
  });

  it('shows tickets in Temporal visibility with their search attributes', async () => {
    const number = await openTicket('P2');
    await stack.call('alice', 'POST', `/api/tickets/${number}/acknowledge`, {});
    const query = `TicketNumber = "${number}" AND TicketStatus = "in_progress" AND Owner = "alice" AND Priority = "P2" AND SupportLevel = "L1" AND Queue = "maintenance-support" AND Channel = "phone" AND CustomerEmail = "yamada@example.jp"`;
    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of stack.temporal.workflow.list({ query })) ids.push(wf.workflowId);
      return ids.length ? ids : undefined;
    }, 15_000);
    expect(found).toEqual([`ticket-${number}`]);
  });

  it('lists tickets from the read model with filters', async () => {
    const number = await openTicket('P1');
    await eventually(async () => {
      const { body } = await stack.call('mona', 'GET', '/api/tickets?priority=P1&status=new');
      return body.tickets.some((t: { number: string }) => t.number === number);
    });
    const { body } = await stack.call('mona', 'GET', '/api/tickets?priority=P4');
    expect(body.tickets.some((t: { number: string }) => t.number === number)).toBe(false);
  });

  it('escalates by hand, reassigns and changes priority', async () => {
    const number = await openTicket();
    const path = `/api/tickets/${number}`;
    await stack.call('alice', 'POST', `${path}/acknowledge`, {});
    const escalated = await stack.call('alice', 'POST', `${path}/escalate`, { level: 'L2', reason: 'カーネルの不具合の疑い' });
    expect(escalated.body.supportLevel).toBe('L2');
    const reassigned = await stack.call('mona', 'POST', `${path}/owner`, { owner: 'dave' });
    expect(reassigned.body.owner).toBe('dave');
    const reprioritised = await stack.call('dave', 'POST', `${path}/priority`, { priority: 'P1' });
    expect(reprioritised.body.priority).toBe('P1');
    const call = await stack.call('dave', 'POST', `${path}/phone-calls`, { direction: 'outbound', body: '状況を説明した' });
    expect(call.body.counts.phoneCalls).toBe(1);
    const spam = await stack.call('dave', 'POST', `${path}/spam`, {});
    expect(spam.body).toMatchObject({ status: 'closed', spam: true });
  });
});

describe("a customer's follow-up over the API", () => {
  it('answers in one round trip with the ticket showing it; without a worker, 202 and the follow-up kept and counted once', async () => {
    const number = await openTicket();
    const path = `/api/tickets/${number}`;
    const started = Date.now();
    const answered = await stack.call('alice', 'POST', `${path}/follow-ups`, { channel: 'phone', body: '追加の情報です' });
    expect(answered.status).toBe(200);
    expect(answered.body.counts.followUps).toBe(1);
    console.log(`follow-up: answered with the ticket in ${Date.now() - started} ms`);

    // A ticket whose task queue no worker polls: the answer is the ticket as last recorded, and the follow-up waits in Temporal.
    const taskQueue = `${stack.taskQueue}-idle`;
    const idle = await openTicketOn(
      { db: stack.db, temporal: stack.temporal, taskQueue, settings: { reopenWindowMs: 60_000, autoCloseAfterMs: 60_000 }, slaPolicy: stack.slaPolicy },
      { customer: { email: 'idle@example.jp' }, subject: '件名', body: '本文', priority: 'P3', channel: 'phone' },
    );
    const waiting = await stack.call('alice', 'POST', `/api/tickets/${idle.number}/follow-ups`, { channel: 'phone', body: '聞こえますか' });
    expect(waiting.status).toBe(202);
    expect(waiting.body.counts.followUps).toBe(0);
    const worker = await new Helpdesk({
      config: { ...stack.config, temporal: { ...stack.config.temporal, taskQueue } },
      slaPolicy: stack.slaPolicy,
      parts: { worker: true, intake: false, api: false },
      workflowBundle: { code: inject('workflowBundle') },
    }).start();
    try {
      // Delivered twice (the update that timed out, then the signal): counted once.
      const seen = await eventually(async () => {
        const { body } = await stack.call('alice', 'GET', `/api/tickets/${idle.number}`);
        return body.counts.followUps >= 1 ? body : undefined;
      }, 15_000);
      await new Promise((r) => setTimeout(r, 1000));
      expect((await stack.call('alice', 'GET', `/api/tickets/${idle.number}`)).body.counts.followUps).toBe(1);
      expect(seen.status).toBe('new');
    } finally {
      await worker.stop();
    }
  });
});

describe('retries with an Idempotency-Key', () => {
  it('a retried new ticket gets the first answer, not a second ticket', async () => {
    const key = `phone-${Date.now()}`;
    const send = () =>
      fetch(`${stack.apiUrl}/api/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.tokens.ivan}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ customer: { email: 'retry@example.jp' }, subject: '再送テスト', body: '電話受付' }),
      });
    const first = await send();
    const second = await send();
    expect([first.status, second.status]).toEqual([201, 201]);
    const [a, b] = [(await first.json()) as { number: string }, (await second.json()) as { number: string }];
    expect(b.number).toBe(a.number);
    expect(second.headers.get('idempotent-replay')).toBe('true');
    const rows = await stack.db.selectFrom('tickets').select('number').where('customer_email', '=', 'retry@example.jp').execute();
    expect(rows).toHaveLength(1);

    // (A route ivan may use: the role is checked before the key, so a route he may not use is 403 first.)
    const elsewhere = await fetch(`${stack.apiUrl}/api/tickets/${a.number}/phone-calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.tokens.ivan}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ direction: 'inbound', body: '再送' }),
    });
    expect(elsewhere.status).toBe(409);
  });

  it('a memo retried after a 503 (no worker answered) is stored once and drafted once', async () => {
    // A ticket on a task queue whose worker can be stopped and started again.
    const taskQueue = `${stack.taskQueue}-memo`;
    const ticket = await openTicketOn(
      { db: stack.db, temporal: stack.temporal, taskQueue, settings: { reopenWindowMs: 60_000, autoCloseAfterMs: 60_000 }, slaPolicy: stack.slaPolicy },
      { customer: { email: 'memo-retry@example.jp' }, subject: '件名', body: '本文', priority: 'P3', channel: 'phone' },
    );
    const path = `/api/tickets/${ticket.number}`;
    const worker = () =>
      new Helpdesk({
        config: { ...stack.config, temporal: { ...stack.config.temporal, taskQueue } },
        slaPolicy: stack.slaPolicy,
        parts: { worker: true, intake: false, api: false },
        workflowBundle: { code: inject('workflowBundle') },
      }).start();
    const first = await worker();
    await stack.call('alice', 'POST', `${path}/queue`, { queue: 'maintenance-support' });
    expect((await stack.call('alice', 'POST', `${path}/acknowledge`, {})).body.status).toBe('in_progress');
    await first.stop();

    const memo = () =>
      fetch(`${stack.apiUrl}${path}/memos`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.tokens.alice}`, 'content-type': 'application/json', 'idempotency-key': `memo-${ticket.number}` },
        body: JSON.stringify({ body: '再起動をお試しください。' }),
      });
    expect((await memo()).status).toBe(503);
    const second = await worker();
    try {
      const retried = await memo();
      expect(retried.status).toBe(200);
      const answer = (await retried.json()) as { memoId: string; status: string; memos: { id: string }[] };
      expect(answer.status).toBe('in_review');
      expect(answer.memos.map((m) => m.id)).toEqual([answer.memoId]);
      const stored = await stack.db.selectFrom('articles').select('id').where('ticket_number', '=', ticket.number).where('kind', '=', 'memo').execute();
      expect(stored.map((a) => a.id)).toEqual([answer.memoId]);
    } finally {
      await second.stop();
    }
  }, 60_000);
});

describe('errors are problem details', () => {
  it('400 names the field that is wrong', async () => {
    const { status, body, headers } = await stack.call('ivan', 'POST', '/api/tickets', { customer: { email: 'not-an-address' }, subject: 'x', body: 'y' });
    expect(status).toBe(400);
    expect(headers.get('content-type')).toContain('application/problem+json');
    expect(body).toMatchObject({ status: 400, title: 'Invalid request', field: 'customer.email' });
    expect(body.detail).toContain('customer.email');
  });

  it('400 refuses a subject with a line break (header injection)', async () => {
    const { status, body } = await stack.call('ivan', 'POST', '/api/tickets', {
      customer: { email: 'a@example.jp' },
      subject: 'hello\r\nBcc: victim@example.com',
      body: 'x',
    });
    expect(status).toBe(400);
    expect(body.field).toBe('subject');
  });

  it('400 for a body that is not JSON', async () => {
    const { status, body } = await stack.call('ivan', 'POST', '/api/tickets', '{not json');
    expect(status).toBe(400);
    expect(body.detail).toMatch(/JSON/);
  });

  it('401 without a token or with a revoked one', async () => {
    expect((await stack.call(null, 'GET', '/api/tickets')).status).toBe(401);
    const response = await fetch(`${stack.apiUrl}/api/tickets`, { headers: { authorization: 'Bearer hd_made_up' } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/unknown or revoked/);
  });

  it('403 for a role that may not do this', async () => {
    const number = await openTicket();
    const byIntegrator = await stack.call('ivan', 'GET', `/api/tickets/${number}`);
    expect(byIntegrator.status).toBe(403);
    const review = await stack.call('alice', 'POST', `/api/tickets/${number}/memos/1/review`, { decision: 'approve' });
    expect(review.status).toBe(403);
    expect(review.body.detail).toMatch(/role agent/);
  });

  it('404 for an unknown ticket', async () => {
    const { status, body } = await stack.call('alice', 'GET', '/api/tickets/2000010100001');
    expect(status).toBe(404);
    expect(body.detail).toContain('2000010100001');
    expect((await stack.call('alice', 'POST', '/api/tickets/2000010100001/acknowledge', {})).status).toBe(404);
  });

  it('409 with the workflow reason for a transition the state refuses, and the refused memo keeps its text', async () => {
    const number = await openTicket();
    const path = `/api/tickets/${number}`;
    const early = await stack.call('alice', 'POST', `${path}/memos`, { body: 'まだ受付していません' });
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/ticket is new/);
    const stored = await stack.db.selectFrom('articles').select(['body', 'refused_reason']).where('ticket_number', '=', number).where('kind', '=', 'memo').executeTakeFirstOrThrow();
    expect(stored.body).toBe('まだ受付していません');
    expect(stored.refused_reason).toMatch(/ticket is new/);

    await stack.call('alice', 'POST', `${path}/acknowledge`, {});
    const memo = await stack.call('alice', 'POST', `${path}/memos`, { body: '回答案' });
    const selfReview = await stack.call('rita', 'POST', `${path}/answer`, { memoId: memo.body.memoId });
    expect(selfReview.status).toBe(409);
    expect(selfReview.body.detail).toMatch(/in_review/);
  });

  it('409 for a reviewer reviewing their own memo', async () => {
    const number = await openTicket();
    const path = `/api/tickets/${number}`;
    await stack.call('rita', 'POST', `${path}/acknowledge`, {});
    const memo = await stack.call('rita', 'POST', `${path}/memos`, { body: '自分で書いた回答' });
    const own = await stack.call('rita', 'POST', `${path}/memos/${memo.body.memoId}/review`, { decision: 'approve' });
    expect(own.status).toBe(409);
    expect(own.body.detail).toMatch(/own|author/i);
  });

  it('two reviewers approving at once: exactly one wins', async () => {
    const number = await openTicket();
    const path = `/api/tickets/${number}`;
    await stack.call('alice', 'POST', `${path}/acknowledge`, {});
    const memo = await stack.call('alice', 'POST', `${path}/memos`, { body: '同時承認テスト' });
    const results = await Promise.all(
      (['rita', 'rob'] as const).map((reviewer) =>
        stack.call(reviewer, 'POST', `${path}/memos/${memo.body.memoId}/review`, { decision: 'approve' }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const ticket = await stack.call('alice', 'GET', path);
    expect(ticket.body.memos[0]).toMatchObject({ status: 'approved' });
  });

  it('an unknown route is a 404 problem, never a stack trace', async () => {
    const { status, body } = await stack.call('alice', 'GET', '/api/nothing-here');
    expect(status).toBe(404);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('who did what', () => {
  it('keeps an audit line for every change, refused ones included, for managers to read', async () => {
    const number = await openTicket();
    await stack.call('alice', 'POST', `/api/tickets/${number}/memos/9/review`, { decision: 'approve' });
    await stack.call('alice', 'POST', `/api/tickets/${number}/acknowledge`, {});
    const audit = await stack.call('mona', 'GET', `/api/audit?ticket=${number}`);
    expect(audit.status).toBe(200);
    const lines = audit.body.entries.map((e: any) => [e.user_name, e.role, e.action, e.status, e.ip]);
    expect(lines).toContainEqual(['alice', 'agent', 'ticket.acknowledge', 200, '127.0.0.1']);
    expect(lines).toContainEqual(['alice', 'agent', 'ticket.reviewMemo', 403, '127.0.0.1']);
    expect(audit.body.entries.find((e: any) => e.status === 403).outcome).toMatch(/Forbidden/);
    const byUser = await stack.call('mona', 'GET', `/api/audit?user=ivan`);
    expect(byUser.body.entries.every((e: any) => e.user_name === 'ivan')).toBe(true);
    expect((await stack.call('alice', 'GET', '/api/audit')).status).toBe(403);
  });

  it('documents itself: /openapi.json from the same schemas, and /docs', async () => {
    const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    const create = doc.paths['/api/tickets'].post;
    expect(create.requestBody.content['application/json'].schema.properties.priority.enum).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(doc.paths['/api/tickets/{number}/memos/{memoId}/review'].post.parameters.map((p: any) => p.name)).toEqual(['number', 'memoId']);
    const docs = await fetch(`${stack.apiUrl}/docs`);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(await docs.text()).toContain('POST /api/tickets/{number}/answer');
  });
});
