// The lifecycle bench, measured fairly (issue 17): the same 11-step lifecycle
// (create → queue → acknowledge → memo → review → answer → follow-up → memo →
// review → answer → close) three ways, each run in a child process of its own
// (bench/lifecycle/run.ts) on one Temporal dev server and one embedded
// PostgreSQL started here:
//   A  a minimal workflow doing the same number of updates (the floor);
//   B  the ticket workflow and activities through the Temporal client, as the
//      API's routes drive them (lib/open-ticket.ts, api/ticket-gateway.ts,
//      db/articles.ts) without HTTP;
//   C  the HTTP API.
// B and C run the worker as lib/helpdesk.ts wires it (C with the API in the same
// process, as npm start). Each run: a warm-up, a counting pass (each transition
// settled before the next: workflow tasks, activity tasks and local activities
// from the histories, SQL statements from pg_stat_statements), latency at
// concurrency 1, throughput at concurrency N, a drain after each; between runs a
// CHECKPOINT and a pause. The order alternates (default A B C C B A).
//   npm run bench:lifecycle
//   npm run bench:lifecycle -- --rounds ABCCBAABCCBA --latency 30 --throughput 100 --concurrency 20
// Flags: --rounds (ABCCBA) --warmup (3) --latency (20 lifecycles at concurrency 1)
// --throughput (40 lifecycles) --concurrency (10) --count (1 lifecycle counted)
// --pause (3 s between runs) --temporal-db (sqlite, as npm start; or memory).
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { connectDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { startEmbeddedPostgres, type RunningPostgres } from '../scripts/devstack/embedded-postgres';
import { freePort } from '../scripts/devstack/ports';
import { startTemporalDevServer } from '../scripts/devstack/temporal-dev-server';
import { WORKFLOWS_PATH } from '../worker/ticket-worker';
import { emptyWork as r0, STEPS, type RunOrder, type RunResult, type Step, type Variant, type Work } from './lifecycle/shared';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: 'ABCCBA' },
    warmup: { type: 'string', default: '3' },
    latency: { type: 'string', default: '20' },
    throughput: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '10' },
    count: { type: 'string', default: '1' },
    pause: { type: 'string', default: '3' },
    'temporal-db': { type: 'string', default: 'sqlite' },
  },
});
const ROUNDS = [...values.rounds!.toUpperCase()] as Variant[];
for (const v of ROUNDS) if (!['A', 'B', 'C'].includes(v)) throw new Error(`--rounds: ${v} is not A, B or C`);
const TEMPORAL_DB = values['temporal-db'] as 'sqlite' | 'memory';
if (!['sqlite', 'memory'].includes(TEMPORAL_DB)) throw new Error('--temporal-db: sqlite or memory');
const PAUSE_S = Number(values.pause);
const RUN_FILE = fileURLToPath(new URL('./lifecycle/run.ts', import.meta.url));
const MINIMAL_WORKFLOW = fileURLToPath(new URL('./lifecycle/minimal-workflow.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

/**
 * pg_stat_statements must be in shared_preload_libraries, which needs a restart:
 * set it with ALTER SYSTEM (postgresql.auto.conf in the data folder), stop, start again.
 */
async function enableStatements(postgres: RunningPostgres, start: () => Promise<RunningPostgres>): Promise<{ postgres: RunningPostgres; source: 'statements' | 'xact'; why?: string }> {
  try {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    await client.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
    await client.query(`ALTER SYSTEM SET pg_stat_statements.max = 10000`);
    await client.end();
    await postgres.stop();
    postgres = await start();
    const again = new pg.Client({ connectionString: postgres.url });
    await again.connect();
    try {
      await again.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await again.query('SELECT pg_stat_statements_reset()');
    } finally {
      await again.end();
    }
    return { postgres, source: 'statements' };
  } catch (error) {
    return { postgres, source: 'xact', why: error instanceof Error ? error.message : String(error) };
  }
}

async function serverFacts(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const show = async (name: string) => (await client.query(`SHOW ${name}`)).rows[0][name] as string;
    const facts = [];
    for (const name of ['server_version', 'fsync', 'synchronous_commit', 'shared_buffers', 'shared_preload_libraries']) facts.push(`${name}=${await show(name)}`);
    return facts.join(', ');
  } finally {
    await client.end();
  }
}

async function checkpoint(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CHECKPOINT').finally(() => client.end());
}

/** What the dev server persists to, as the CLI starts it (scripts/devstack/temporal-dev-server.ts). */
function temporalPersistence(dbFile: string | undefined): string {
  if (!dbFile) return 'in memory (SQLite mode=memory, cache=shared; lost when the server stops)';
  let fromFile = '';
  if (existsSync(dbFile) && spawnSync('sqlite3', ['-version']).status === 0) {
    const out = spawnSync('sqlite3', ['-readonly', dbFile, 'PRAGMA journal_mode; PRAGMA page_size;'], { encoding: 'utf8' }).stdout.trim().split('\n');
    fromFile = `; the file reads journal_mode=${out[0]}, page_size=${out[1]} (sqlite3)`;
  }
  return `SQLite file (--db-filename, connect attribute mode=rwc), no --sqlite-pragma given: SQLite's defaults (journal_mode=delete, synchronous=full), one connection (the server's sqlite plugin opens one)${fromFile}`;
}

function runOne(orderFile: string, boundMs: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RUN_FILE, orderFile], { stdio: 'inherit', env: { ...process.env, LOG_LEVEL: 'error' } });
    const timer = setTimeout(() => {
      console.log(`a run took longer than ${boundMs / 1000} s: stopped`);
      child.kill('SIGKILL');
    }, boundMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

// ---------------------------------------------------------------- report

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(1));
const ratio = (a: number, b: number) => (Number.isFinite(a / b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
const VARIANTS: Variant[] = ['A', 'B', 'C'];
const NAMES: Record<Variant, string> = { A: 'A minimal workflow', B: 'B ticket workflow via client', C: 'C HTTP API' };

function report(results: RunResult[], facts: { temporal: string; postgres: string; sqlSource: string; loads: string[]; order: string; machine: string }) {
  const of = (v: Variant) => results.filter((r) => r.variant === v);
  const latency = (v: Variant, step?: Step) => of(v).flatMap((r) => (step ? r.latency[step] : STEPS.flatMap((s) => r.latency[s])));
  const tput = (v: Variant) => of(v).map((r) => r.throughput.transitions / r.throughput.seconds);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const sqlName = facts.sqlSource === 'statements' ? 'SQL statements' : 'SQL transactions';
  const writesName = facts.sqlSource === 'statements' ? 'writes' : 'tuples written';

  console.log(`\n## Lifecycle benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n`);
  console.log(`- machine: ${facts.machine}; load average (1/5/15 min) before each run: ${facts.loads.join(' | ')}`);
  console.log(`- runs, each in its own process: ${facts.order}; warm-up ${values.warmup} lifecycles, counting ${values.count}, latency ${values.latency} at concurrency 1, throughput ${values.throughput} at concurrency ${values.concurrency}, drain after each pass, CHECKPOINT and ${PAUSE_S} s between runs`);
  console.log(`- Temporal dev server (CLI v1.5.1 \`temporal server start-dev\`): ${facts.temporal}`);
  console.log(`- PostgreSQL (embedded): ${facts.postgres}; SQL counted from ${facts.sqlSource === 'statements' ? 'pg_stat_statements (top-level statements of the product database, BEGIN/COMMIT left out)' : 'pg_stat_database.xact_commit + xact_rollback (pg_stat_statements could not be loaded)'}`);
  console.log(`- worker: ${results.find((r) => r.variant !== 'A')?.workerSettings ?? results[0]?.workerSettings ?? '–'}`);
  const unsettled = results.filter((r) => r.unsettled);
  if (unsettled.length) console.log(`- not settled at the end of a drain: ${unsettled.map((r) => `run ${r.index} ${r.variant}: ${r.unsettled}`).join(', ')}`);

  const n = (v: Variant) => of(v).reduce((k, r) => k + r.latency.create.length, 0);
  console.log(`\n### Latency at concurrency 1, ms (${VARIANTS.map((v) => `${v}: ${n(v)} per transition`).join(', ')})\n`);
  console.log('| transition | A p50 | A p99 | B p50 | B p99 | C p50 | C p99 | C/B p50 | C/B p99 | B/A p50 | B/A p99 |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const step of [...STEPS, undefined]) {
    const [a, b, c] = VARIANTS.map((v) => latency(v, step));
    const p = (xs: number[], q: number) => pct(xs, q);
    console.log(
      `| ${step ?? '**all**'} | ${ms(p(a, 50))} | ${ms(p(a, 99))} | ${ms(p(b, 50))} | ${ms(p(b, 99))} | ${ms(p(c, 50))} | ${ms(p(c, 99))} | ${ratio(p(c, 50), p(b, 50))} | ${ratio(p(c, 99), p(b, 99))} | ${ratio(p(b, 50), p(a, 50))} | ${ratio(p(b, 99), p(a, 99))} |`,
    );
  }

  console.log(`\n### Throughput at concurrency ${values.concurrency} (${values.throughput} lifecycles = ${Number(values.throughput) * STEPS.length} transitions a run)\n`);
  console.log('| variant | transitions/s per run | mean transitions/s | lifecycles/s | p50 ms | p99 ms |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const v of VARIANTS) {
    if (!of(v).length) continue;
    const t = tput(v);
    const all = of(v).flatMap((r) => r.loaded);
    console.log(`| ${NAMES[v]} | ${t.map((x) => x.toFixed(1)).join(', ')} | ${mean(t).toFixed(1)} | ${(mean(t) / STEPS.length).toFixed(2)} | ${ms(pct(all, 50))} | ${ms(pct(all, 99))} |`);
  }
  console.log(`\nCost ratios in throughput (time per transition): C/B ${ratio(mean(tput('B')), mean(tput('C')))} (the API's cost), B/A ${ratio(mean(tput('A')), mean(tput('B')))} (the cost of durable work).`);

  const workOf = (v: Variant, step?: Step): Work & { lifecycles: number } => {
    const runs = of(v);
    const lifecycles = runs.reduce((k, r) => k + r.countLifecycles, 0);
    const sum: Work & { lifecycles: number } = { workflowTasks: 0, activityTasks: 0, localActivities: 0, events: 0, sql: 0, sqlWrites: 0, lifecycles };
    for (const r of runs) for (const s of step ? [step] : STEPS) for (const k of Object.keys(r0()) as (keyof Work)[]) sum[k] += r.work[s][k];
    for (const k of Object.keys(r0()) as (keyof Work)[]) sum[k] = lifecycles ? sum[k] / lifecycles : NaN;
    return sum;
  };
  console.log(`\n### Work per transition (counting pass: each transition's consequences settled before the next; mean over ${VARIANTS.map((v) => `${v} ${workOf(v).lifecycles}`).join(', ')} lifecycles)\n`);
  console.log(`Workflow tasks = WorkflowTaskCompleted, activities = ActivityTaskScheduled, local = local-activity markers, from the histories; ${sqlName} (${writesName}) from PostgreSQL.\n`);
  console.log(`| transition | A wf tasks | B wf tasks | B activities | B local | B ${sqlName} (${writesName}) | C wf tasks | C activities | C local | C ${sqlName} (${writesName}) | B events | C events |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const step of [...STEPS, undefined]) {
    const [a, b, c] = VARIANTS.map((v) => workOf(v, step));
    console.log(
      `| ${step ?? '**lifecycle**'} | ${num(a.workflowTasks)} | ${num(b.workflowTasks)} | ${num(b.activityTasks)} | ${num(b.localActivities)} | ${num(b.sql)} (${num(b.sqlWrites)}) | ${num(c.workflowTasks)} | ${num(c.activityTasks)} | ${num(c.localActivities)} | ${num(c.sql)} (${num(c.sqlWrites)}) | ${num(b.events)} | ${num(c.events)} |`,
    );
  }
  console.log(`\n(A's activities, local activities and SQL are 0 by construction; A's history: ${num(workOf('A').events)} events a lifecycle.)`);

  console.log(`\n### Work per lifecycle under load (the throughput pass at concurrency ${values.concurrency}, counted after its drain)\n`);
  console.log(`| variant | lifecycles | wf tasks | activities | local | history events | ${sqlName} | ${writesName} | ${sqlName} per transition |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const v of VARIANTS) {
    const runs = of(v);
    const lifecycles = runs.reduce((k, r) => k + r.underLoad.lifecycles, 0);
    if (!lifecycles) continue;
    const per = (k: keyof Work) => runs.reduce((s, r) => s + r.underLoad[k], 0) / lifecycles;
    console.log(`| ${NAMES[v]} | ${lifecycles} | ${per('workflowTasks').toFixed(1)} | ${per('activityTasks').toFixed(1)} | ${per('localActivities').toFixed(1)} | ${per('events').toFixed(1)} | ${per('sql').toFixed(1)} | ${per('sqlWrites').toFixed(1)} | ${(per('sql') / STEPS.length).toFixed(1)} |`);
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const started = Date.now();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-bench-lifecycle-'));
  await chmod(dir, 0o755);
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    while (stops.length) await stops.shift()!().catch((error) => console.log(`could not stop a part: ${error instanceof Error ? error.message : String(error)}`));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    const pgPort = await freePort();
    const startPostgres = () => startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: pgPort });
    const enabled = await enableStatements(await startPostgres(), startPostgres);
    const postgres = enabled.postgres;
    stops.unshift(() => postgres.stop());
    if (enabled.why) console.log(`pg_stat_statements could not be loaded (${enabled.why}): counting transactions from pg_stat_database`);
    const db = connectDatabase(postgres.url);
    await migrateToLatest(db);
    await db.destroy();

    const dbFile = TEMPORAL_DB === 'sqlite' ? path.join(dir, 'temporal.sqlite') : undefined;
    const temporal = await startTemporalDevServer({ port: await freePort(), logFile: path.join(dir, 'temporal.log'), ...(dbFile ? { dbFile } : {}) });
    stops.unshift(() => temporal.stop());

    // Bundled once: every run runs the same workflow code, and none pays for bundling.
    const logger = new DefaultLogger('ERROR');
    const ticketBundle = path.join(dir, 'ticket-workflows.js');
    const minimalBundle = path.join(dir, 'minimal-workflow.js');
    writeFileSync(ticketBundle, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger })).code);
    writeFileSync(minimalBundle, (await bundleWorkflowCode({ workflowsPath: MINIMAL_WORKFLOW, logger })).code);

    const results: RunResult[] = [];
    const loads: string[] = [];
    const failed: string[] = [];
    for (const [i, variant] of ROUNDS.entries()) {
      const index = i + 1;
      const order: RunOrder = {
        variant,
        index,
        temporalAddress: temporal.address,
        databaseUrl: postgres.url,
        ticketBundle,
        minimalBundle,
        dataDir: path.join(dir, `run-${index}`),
        warmup: Number(values.warmup),
        latencyLifecycles: Number(values.latency),
        throughputLifecycles: Number(values.throughput),
        concurrency: Number(values.concurrency),
        countLifecycles: Number(values.count),
        sqlSource: enabled.source,
        resultFile: path.join(dir, `result-${index}.json`),
      };
      const orderFile = path.join(dir, `order-${index}.json`);
      writeFileSync(orderFile, JSON.stringify(order));
      loads.push(`${variant} ${load()}`);
      console.log(`\nrun ${index}/${ROUNDS.length}: ${NAMES[variant]} (load average ${load()})`);
      const code = await runOne(orderFile, 20 * 60_000);
      if (code === 0 && existsSync(order.resultFile)) results.push(JSON.parse(readFileSync(order.resultFile, 'utf8')) as RunResult);
      else failed.push(`run ${index} ${variant} (exit ${code})`);
      await checkpoint(postgres.url);
      await sleep(PAUSE_S * 1000);
    }
    report(results, {
      temporal: temporalPersistence(dbFile),
      postgres: await serverFacts(postgres.url),
      sqlSource: enabled.source,
      loads,
      order: ROUNDS.join(' '),
      machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average at the end ${load()}, whole run ${((Date.now() - started) / 60_000).toFixed(1)} min`,
    });
    if (failed.length) console.log(`\nFailed: ${failed.join(', ')}`);
    return failed.length ? 1 : 0;
  } finally {
    await stopAll();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
