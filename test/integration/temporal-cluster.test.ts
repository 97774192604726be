// The product on a production-shaped Temporal (`npm run cluster`'s): the
// server itself, its four services as separate processes, persistence and
// visibility on PostgreSQL. A ticket goes through its life while the history
// service is restarted alone in the middle, and still completes.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startTemporalCluster, type TemporalCluster } from '../../scripts/devstack/temporal-server';
import { ensureTemporalServer } from '../../scripts/devstack/temporal-server-build';
import { freeClusterPorts } from '../../scripts/devstack/temporal-server-ports';
import { eventually, startTestStack, type TestStack } from '../support/stack';

let cluster: TemporalCluster;
let stack: TestStack;


// The first run on a machine builds the server with go install: minutes, once; cached after that.
beforeAll(() => ensureTemporalServer().then(() => undefined), 30 * 60_000);

beforeAll(async () => {
  const { cluster: ports, others: [pgPort] } = await freeClusterPorts(1);
  cluster = await startTemporalCluster({ dataDir: path.join(inject('serversDir'), 'temporal-cluster'), ports, postgres: { port: pgPort } });
  stack = await startTestStack({ TEMPORAL_ADDRESS: cluster.address });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await cluster?.stop();
}, 60_000);

describe('a ticket on the production-shaped Temporal cluster', () => {
  it('completes its life across a restart of the history service', async () => {
    const created = await stack.call('ivan', 'POST', '/api/tickets', {
      customer: { email: 'suzuki@example.jp', name: '鈴木花子' },
      subject: 'ログインできません',
      body: 'パスワードを変えてからログインできません。',
      priority: 'P2',
    });
    expect(created.status).toBe(201);
    const number = created.body.number as string;
    const ticket = `/api/tickets/${number}`;

    expect((await stack.call('alice', 'POST', `${ticket}/queue`, { queue: 'maintenance-support' })).body.status).toBe('open');
    expect((await stack.call('alice', 'POST', `${ticket}/acknowledge`, {})).body).toMatchObject({ status: 'in_progress', owner: 'alice' });
    const memo = await stack.call('alice', 'POST', `${ticket}/memos`, { body: 'パスワードの再設定をご案内します。' });
    expect(memo.body.status).toBe('in_review');

    // The workflow's state lives in PostgreSQL, not in the history process.
    await cluster.restart('history');
    expect((await stack.call('alice', 'GET', ticket)).body).toMatchObject({ status: 'in_review', owner: 'alice' });

    expect((await stack.call('rita', 'POST', `${ticket}/memos/${memo.body.memoId}/review`, { decision: 'approve' })).body.status).toBe('approved');
    expect((await stack.call('alice', 'POST', `${ticket}/answer`, { memoId: memo.body.memoId })).body.status).toBe('waiting_customer');
    const closed = await stack.call('alice', 'POST', `${ticket}/close`, { resolution: 'パスワード再設定で解決' });
    expect(closed.body).toMatchObject({ status: 'closed', resolution: 'パスワード再設定で解決' });

    // SQL visibility filters by the ticket search attributes, as managers do in the Temporal UI.
    const query = `WorkflowId = "ticket-${number}" AND TicketStatus = "closed" AND Owner = "alice" AND Priority = "P2" AND SupportLevel = "L1"`;
    await eventually(async () => (await stack.temporal.workflow.count(query)).count === 1, 15_000);
  }, 180_000);
});
