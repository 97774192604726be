// Thousands of open tickets: N tickets (OPEN_TICKETS, default 2000; the issue's
// figure is 10,000) opened through the API by 20 callers at once, spread over
// priorities, a third of them escalated to L2 and a sixth to L3, on servers
// started here as `npm start` runs them (a Temporal dev server on its SQLite
// file, an embedded PostgreSQL), with `npm run worker` and `npm run api` as
// processes of their own. It prints the creation rate, the worker's resident
// memory as the tickets open (from /proc: the whole process, V8 and the
// workflow cache), the list and search routes' latency with all of them open,
// and how long a restarted worker takes to answer a query on a ticket it has
// never seen (a replay of its history).
//   npx tsx bench/open-tickets.ts
//   OPEN_TICKETS=10000 npx tsx bench/open-tickets.ts
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createToken } from '../api/tokens';
import { connectDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { startEmbeddedPostgres } from '../scripts/devstack/embedded-postgres';
import { freePort } from '../scripts/devstack/ports';
import { outputSays, startProductProcess } from '../scripts/devstack/product-process';
import { startTemporalDevServer } from '../scripts/devstack/temporal-dev-server';

const N = Number(process.env.OPEN_TICKETS ?? 2000);
const CALLERS = 20;
const SAMPLES = 100;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const ms = (v: number) => v.toFixed(1);

/** Resident memory of a process and its children (the worker runs as one node process), in MB. */
function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-bench-open-'));
  await chmod(dir, 0o755);
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort() });
    stops.unshift(() => postgres.stop());
    const temporal = await startTemporalDevServer({ port: await freePort(), logFile: path.join(dir, 'temporal.log'), dbFile: path.join(dir, 'temporal.sqlite') });
    stops.unshift(() => temporal.stop());
    const db = connectDatabase(postgres.url);
    stops.unshift(() => db.destroy());
    await migrateToLatest(db);
    const tokens = { ivan: await createToken(db, 'ivan', 'integrator'), dave: await createToken(db, 'dave', 'agent', 'L2'), mona: await createToken(db, 'mona', 'manager') };
    const apiPort = await freePort();
    const env = { DATABASE_URL: postgres.url, TEMPORAL_ADDRESS: temporal.address, DATA_DIR: dir, SUPPORT_ADDRESS: 'support@bench.test', LOG_LEVEL: 'info', IMAP_URL: '' };
    // Each process is stopped at the end even when it never said it was ready.
    let worker = startProductProcess('worker', 'worker', env, path.join(dir, 'worker.log'));
    stops.unshift(() => worker.stop());
    await outputSays(worker, 'worker running');
    const api = startProductProcess('api', 'api', { ...env, PORT: String(apiPort) }, path.join(dir, 'api.log'));
    stops.unshift(() => api.stop());
    await outputSays(api, 'API listening');
    const url = `http://127.0.0.1:${apiPort}`;
    // A 503 (Temporal did not answer in the API's 10 s) is retried with the same Idempotency-Key, as a client should: counted, never doubled.
    let unavailable = 0;
    const call = async (token: string, method: string, route: string, body?: unknown) => {
      const key = randomUUID();
      for (let attempt = 1; ; attempt++) {
        const headers = { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json', 'idempotency-key': key } : {}) };
        const response = await fetch(url + route, { method, headers, body: body ? JSON.stringify(body) : undefined });
        if (response.status === 503 && attempt < 5) {
          unavailable++;
          await response.text();
          continue;
        }
        if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
        return response.json() as Promise<any>;
      }
    };

    // Open them: a third escalated to L2 and half of those on to L3, as the desk's own hands would.
    const memory: { open: number; mb: number }[] = [{ open: 0, mb: residentMb(worker.child.pid!) }];
    const numbers: string[] = [];
    const run = randomBytes(3).toString('hex');
    const started0 = performance.now();
    let next = 0;
    const step = Math.max(1, Math.floor(N / 5));
    let nextSample = step;
    await Promise.all(
      Array.from({ length: CALLERS }, async () => {
        for (let i = next++; i < N; i = next++) {
          const priority = PRIORITIES[i % 4];
          const { number } = await call(tokens.ivan, 'POST', '/api/tickets', { customer: { email: `c${i}-${run}@bench.example` }, subject: `稼働確認 ${i} ${run}`, body: `ログを添付します ${i}`, priority });
          numbers.push(number);
          if (i % 3 === 0) await call(tokens.mona, 'POST', `/api/tickets/${number}/escalate`, { level: 'L2', reason: 'bench' });
          if (i % 6 === 0) await call(tokens.mona, 'POST', `/api/tickets/${number}/escalate`, { level: 'L3', reason: 'bench' });
          if (numbers.length >= nextSample) {
            nextSample += step;
            memory.push({ open: numbers.length, mb: residentMb(worker.child.pid!) });
          }
        }
      }),
    );
    const createS = (performance.now() - started0) / 1000;
    if (memory.at(-1)!.open !== N) memory.push({ open: N, mb: residentMb(worker.child.pid!) });

    // The read routes, with every ticket open.
    const routes: [string, string][] = [
      ['new tickets (status=new)', '/api/tickets?status=new&limit=100'],
      ['L2 tickets', '/api/tickets?level=L2&limit=100'],
      ['P1 on track', '/api/tickets?priority=P1&slaStatus=on_track&limit=100'],
      ['by partner number (none)', '/api/tickets?partnerTicketNumber=nothing&limit=100'],
      ['one ticket (a workflow query)', ''],
    ];
    const latency: { route: string; p50: number; p99: number }[] = [];
    for (const [name, route] of routes) {
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const t0 = performance.now();
        await call(tokens.dave, 'GET', route || `/api/tickets/${numbers[(i * 7919) % numbers.length]}`);
        times.push(performance.now() - t0);
      }
      latency.push({ route: name, p50: quantile(times, 0.5), p99: quantile(times, 0.99) });
    }

    // A restarted worker answers for tickets it has never cached.
    await worker.stop();
    const restart0 = performance.now();
    worker = startProductProcess('worker-2', 'worker', env, path.join(dir, 'worker-2.log'));
    await outputSays(worker, 'worker running');
    const readyS = (performance.now() - restart0) / 1000;
    const firstQuery: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await call(tokens.dave, 'GET', `/api/tickets/${numbers[(i * 104729) % numbers.length]}`);
      firstQuery.push(performance.now() - t0);
    }
    const restartedMb = residentMb(worker.child.pid!);

    console.log(`\n### ${N} open tickets (Temporal dev server on its SQLite file, as npm start runs it; worker and API as processes of their own)\n`);
    console.log(`Opened through POST /api/tickets by ${CALLERS} callers (with ${Math.ceil(N / 3)} escalations to L2 and ${Math.ceil(N / 6)} on to L3): ${createS.toFixed(1)} s, ${(N / createS).toFixed(1)} tickets/s. ${unavailable} answers were 503 (Temporal slower than the API's 10 s) and retried. Load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}.\n`);
    console.log('| open tickets | worker RSS MB |\n| ---: | ---: |');
    for (const m of memory) console.log(`| ${m.open} | ${m.mb.toFixed(0)} |`);
    console.log(`| ${N}, after a restart | ${restartedMb.toFixed(0)} |\n`);
    console.log(`| route (${SAMPLES} requests each) | p50 ms | p99 ms |\n| --- | ---: | ---: |`);
    for (const l of latency) console.log(`| ${l.route} | ${ms(l.p50)} | ${ms(l.p99)} |`);
    console.log(`\nWorker restart: ready in ${readyS.toFixed(1)} s; the first query on each of 5 tickets it had never seen: ${firstQuery.map(ms).join(', ')} ms.`);
  } finally {
    for (const stop of stops) await stop().catch(() => {});
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
