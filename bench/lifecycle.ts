// Drives N tickets (default 200) through the whole lifecycle over HTTP with
// some concurrency, and the same number of updates straight through the
// Temporal client on a minimal workflow, in one run on real servers started
// here. Prints tickets per second, p50/p99 latency per transition, and the
// ratio of the API's cost to the bare Temporal round-trip.
//   npx tsx bench/lifecycle.ts [--tickets 200] [--concurrency 10]
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { activityDeps } from '../activities';
import { openSpamFilter } from '../activities/spam/open-spam-filter';
import { createApp } from '../api/app';
import { startApiServer } from '../api/server';
import { createToken } from '../api/tokens';
import { connectDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { loadConfig } from '../lib/config';
import { loadSlaPolicy } from '../lib/sla-policy';
import { startEmbeddedPostgres } from '../scripts/devstack/embedded-postgres';
import { freePort } from '../scripts/devstack/ports';
import { startTemporalDevServer } from '../scripts/devstack/temporal-dev-server';
import { createTicketWorker } from '../worker/ticket-worker';
import { bump, finish, type minimalWorkflow } from './lifecycle/minimal-workflow';

const { values } = parseArgs({ options: { tickets: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '10' } } });
const TICKETS = Number(values.tickets);
const CONCURRENCY = Number(values.concurrency);
const STEPS = ['create', 'queue', 'acknowledge', 'memo', 'review', 'answer', 'follow-up', 'memo-2', 'review-2', 'answer-2', 'close'] as const;
type Step = (typeof STEPS)[number];

async function main() {
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('ERROR') });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-bench-'));
  await chmod(dir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort() });
  const temporalServer = await startTemporalDevServer({ port: await freePort(), logFile: path.join(dir, 'temporal.log') });
  const db = connectDatabase(postgres.url, { max: 20 });
  await migrateToLatest(db);
  const config = loadConfig({ DATABASE_URL: postgres.url, TEMPORAL_ADDRESS: temporalServer.address, DATA_DIR: dir, SUPPORT_ADDRESS: 'support@bench.test', LOG_LEVEL: 'error' });
  const nativeConnection = await NativeConnection.connect({ address: temporalServer.address });
  const spamFilter = await openSpamFilter(db, postgres.url);
  const ticketWorker = await createTicketWorker({ connection: nativeConnection, namespace: 'default', taskQueue: 'helpdesk', deps: activityDeps(db, config, spamFilter) });
  const minimalWorker = await Worker.create({
    connection: nativeConnection,
    taskQueue: 'bench-minimal',
    workflowsPath: fileURLToPath(new URL('./lifecycle/minimal-workflow.ts', import.meta.url)),
  });
  const workers = [ticketWorker.run(), minimalWorker.run()];
  const connection = await Connection.connect({ address: temporalServer.address });
  const temporal = new Client({ connection });
  const api = await startApiServer(createApp({ db, temporal, config, slaPolicy: loadSlaPolicy() }), 0, '127.0.0.1');
  const agent = await createToken(db, 'alice', 'agent', 'L1');
  const reviewer = await createToken(db, 'rita', 'reviewer', 'L2');
  const integrator = await createToken(db, 'ivan', 'integrator');

  try {
    const apiRun = await timed(() => driveTickets(api.url, { agent, reviewer, integrator }));
    const bareRun = await timed(() => driveMinimal(temporal, apiRun.result.transitions));
    report(apiRun.result.latencies, apiRun.seconds, bareRun.result, bareRun.seconds);
  } finally {
    await api.close();
    ticketWorker.shutdown();
    minimalWorker.shutdown();
    await Promise.all(workers);
    await spamFilter.close();
    await connection.close();
    await nativeConnection.close();
    await db.destroy();
    await temporalServer.stop();
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function driveTickets(url: string, tokens: { agent: string; reviewer: string; integrator: string }) {
  const latencies = new Map<Step, number[]>(STEPS.map((s) => [s, []]));
  let transitions = 0;
  const call = async (step: Step, token: string, method: string, route: string, body: unknown) => {
    const started = performance.now();
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as any;
    if (!response.ok) throw new Error(`${step} ${route}: ${response.status} ${JSON.stringify(json)}`);
    latencies.get(step)!.push(performance.now() - started);
    transitions++;
    return json;
  };
  const oneTicket = async (i: number) => {
    const ticket = await call('create', tokens.integrator, 'POST', '/api/tickets', {
      customer: { email: `customer${i}@example.jp`, name: `顧客${i}` },
      subject: `ベンチマーク ${i}`,
      body: 'サーバが起動しません。',
      priority: 'P3',
    });
    const t = `/api/tickets/${ticket.number}`;
    await call('queue', tokens.agent, 'POST', `${t}/queue`, { queue: 'maintenance-support' });
    await call('acknowledge', tokens.agent, 'POST', `${t}/acknowledge`, {});
    const memo = await call('memo', tokens.agent, 'POST', `${t}/memos`, { body: '再起動してください。' });
    await call('review', tokens.reviewer, 'POST', `${t}/memos/${memo.memoId}/review`, { decision: 'approve' });
    await call('answer', tokens.agent, 'POST', `${t}/answer`, { memoId: memo.memoId });
    await call('follow-up', tokens.integrator, 'POST', `${t}/follow-ups`, { channel: 'phone', body: 'まだ駄目です' });
    const memo2 = await call('memo-2', tokens.agent, 'POST', `${t}/memos`, { body: 'ディスクを交換します。' });
    await call('review-2', tokens.reviewer, 'POST', `${t}/memos/${memo2.memoId}/review`, { decision: 'approve' });
    await call('answer-2', tokens.agent, 'POST', `${t}/answer`, { memoId: memo2.memoId });
    await call('close', tokens.agent, 'POST', `${t}/close`, { resolution: '交換で解決' });
  };
  await inParallel(TICKETS, CONCURRENCY, oneTicket);
  return { latencies, transitions };
}

/** The same number of round-trips, as bare updates on minimal workflows, with the same concurrency. */
async function driveMinimal(temporal: Client, transitions: number) {
  const latencies: number[] = [];
  const perWorkflow = Math.ceil(transitions / TICKETS);
  await inParallel(TICKETS, CONCURRENCY, async (i) => {
    const handle = await temporal.workflow.start<typeof minimalWorkflow>('minimalWorkflow', { taskQueue: 'bench-minimal', workflowId: `bench-${i}-${Date.now()}` });
    for (let n = 0; n < perWorkflow; n++) {
      const started = performance.now();
      await handle.executeUpdate(bump, { args: [`step ${n}`] });
      latencies.push(performance.now() - started);
    }
    await handle.executeUpdate(finish);
  });
  return latencies;
}

async function inParallel(count: number, concurrency: number, job: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await job(next++);
    }),
  );
}

async function timed<T>(fn: () => Promise<T>) {
  const started = performance.now();
  const result = await fn();
  return { result, seconds: (performance.now() - started) / 1000 };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

function report(latencies: Map<Step, number[]>, apiSeconds: number, bare: number[], bareSeconds: number) {
  const all = [...latencies.values()].flat();
  const row = (name: string, v: number[]) => `${name.padEnd(14)} ${String(v.length).padStart(6)} ${percentile(v, 50).toFixed(1).padStart(8)} ${percentile(v, 99).toFixed(1).padStart(8)}`;
  console.log(`\nLifecycle benchmark: ${TICKETS} tickets, concurrency ${CONCURRENCY}, ${all.length} transitions over HTTP\n`);
  console.log(`${'transition'.padEnd(14)} ${'count'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
  for (const [step, values] of latencies) console.log(row(step, values));
  console.log(row('all (API)', all));
  console.log(row('bare update', bare));
  console.log(`\nAPI: ${(TICKETS / apiSeconds).toFixed(1)} tickets/s, ${(all.length / apiSeconds).toFixed(0)} transitions/s (${apiSeconds.toFixed(1)} s)`);
  console.log(`Bare Temporal: ${(bare.length / bareSeconds).toFixed(0)} updates/s (${bareSeconds.toFixed(1)} s)`);
  console.log(`API cost / bare round-trip: p50 ${(percentile(all, 50) / percentile(bare, 50)).toFixed(2)}x, p99 ${(percentile(all, 99) / percentile(bare, 99)).toFixed(2)}x, throughput ${(bare.length / bareSeconds / (all.length / apiSeconds)).toFixed(2)}x`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
