// Escalations at the minute when many deadlines fall together: N P1 tickets
// (DEADLINE_TICKETS, default 1000) opened as fast as the product opens them
// (lib/open-ticket.ts), all under one SLA policy counted in seconds on an
// always-open calendar whose first-response budget outlasts the openings, so
// every first-response deadline (and, at warnAt, every warning) falls within
// the span the openings took. Then it waits for every breach record
// (`sla_events` kind `breach`) and prints how late the warnings and breaches
// were: `actual_at` (when the workflow acted) and `recorded_at` (when the row
// was written) against `deadline`.
//
// Each worker setting named in DEADLINE_WORKER runs on servers of its own,
// started here: an embedded PostgreSQL and a Temporal dev server (SQLite file
// as `npm start` runs it, or in memory), on free ports. Besides the lateness it
// prints the worker's options as the SDK compiled them and the SDK's own task
// latencies (schedule-to-start, execution) while the deadlines came due.
//   npm run bench:deadlines
//   DEADLINE_TICKETS=300 DEADLINE_WORKER=sdk-defaults,product npx tsx bench/deadlines.ts
// Settings: DEADLINE_TICKETS (1000); DEADLINE_WORKER, comma-separated, run one
// after another in this process: `product` (worker/ticket-worker.ts as it is),
// `sdk-defaults` (the SDK's defaults spelled out; with DEADLINE_BEFORE_WORKFLOWS,
// the workflows/index.ts of an older tree, e.g. `git archive HEAD workflows`, so
// "before" is the old workflow code too), `custom` (product with DEADLINE_TUNING,
// JSON worker options, over it), each optionally `@sa-cache` (its dev server
// with the search-attribute cache on); DEADLINE_TEMPORAL_DB (sqlite | memory |
// cluster: the Temporal server of `npm run cluster`, its four services on PostgreSQL);
// DEADLINE_CONCURRENCY (openings at once, 20); DEADLINE_BUDGET_S (the
// first-response budget; default from N); DEADLINE_TIMEOUT_S (the wait for the
// breaches per setting, budget + 240). Each run stops by itself and prints what it has.
import { Connection, type Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime, type NativeConnection, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { activityDeps } from '../activities';
import { openSpamFilter } from '../activities/spam/open-spam-filter';
import { migrateToLatest } from '../db/migrate';
import type { Database } from '../db/schema';
import { loadConfig } from '../lib/config';
import { openDatabase, openTemporalClient, openWorkerConnection } from '../lib/dependencies';
import { openTicket, type TicketStarter } from '../lib/open-ticket';
import { startEmbeddedPostgres } from '../scripts/devstack/embedded-postgres';
import { freePort } from '../scripts/devstack/ports';
import { startProcess, waitFor } from '../scripts/devstack/processes';
import { ensureTemporalCli } from '../scripts/devstack/temporal-cli';
import { startTemporalDevServer } from '../scripts/devstack/temporal-dev-server';
import { startTemporalCluster } from '../scripts/devstack/temporal-server';
import { ensureTemporalServer } from '../scripts/devstack/temporal-server-build';
import { freeClusterPorts } from '../scripts/devstack/temporal-server-ports';
import { cliTypeOf, TICKET_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { createTicketWorker, TICKET_WORKER_TUNING, type TicketWorkerTuning } from '../worker/ticket-worker';
import { parsePolicy, type SlaPolicy } from '../workflows/sla/policy';

const N = Number(process.env.DEADLINE_TICKETS ?? 1000);
const CONCURRENCY = Number(process.env.DEADLINE_CONCURRENCY ?? 20);
const TEMPORAL_DB = (process.env.DEADLINE_TEMPORAL_DB ?? 'sqlite') as 'sqlite' | 'memory' | 'cluster';
// Openings run at about 50 a second here; the budget leaves room for a slower, busier machine.
const BUDGET_S = Number(process.env.DEADLINE_BUDGET_S ?? Math.max(45, Math.ceil(N / 20) + 30));
const TIMEOUT_S = Number(process.env.DEADLINE_TIMEOUT_S ?? BUDGET_S + 240);
const WARN_AT = 0.5;

/** The SDK's defaults, spelled out: the ticket worker's options before issue 17. */
const SDK_DEFAULTS: TicketWorkerTuning = {
  maxConcurrentWorkflowTaskExecutions: 40,
  maxConcurrentActivityTaskExecutions: 100,
  workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 10 },
  activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 10 },
  nonStickyToStickyPollRatio: 0.2,
  workflowThreadPoolSize: 1,
};
const SETTINGS: Record<string, TicketWorkerTuning> = {
  'sdk-defaults': SDK_DEFAULTS,
  product: TICKET_WORKER_TUNING,
  // A candidate to try: the product's options with DEADLINE_TUNING (JSON) over them.
  custom: { ...TICKET_WORKER_TUNING, ...(JSON.parse(process.env.DEADLINE_TUNING ?? '{}') as TicketWorkerTuning) },
};
/**
 * `sdk-defaults` bundles the workflows at DEADLINE_BEFORE_WORKFLOWS when set (an older tree's
 * workflows/index.ts, e.g. from `git archive`), so that "before" is the old code as well as the old options.
 * A suffix `@sa-cache` runs that setting's dev server with its search-attribute cache on
 * (`system.forceSearchAttributesCacheRefreshOnRead=false`; the CLI's dev server turns it off).
 */
const WORKER_SETTINGS = (process.env.DEADLINE_WORKER ?? 'product').split(',').map((s) => s.trim());
const BEFORE_WORKFLOWS = process.env.DEADLINE_BEFORE_WORKFLOWS;
const tuningOf = (setting: string) => SETTINGS[setting.split('@')[0]];
for (const name of WORKER_SETTINGS) if (!tuningOf(name)) throw new Error(`DEADLINE_WORKER: unknown setting "${name}" (${Object.keys(SETTINGS).join(', ')}, each optionally @sa-cache)`);

function benchPolicy(): SlaPolicy {
  const long = '10h';
  const targets = { calendar: 'always', firstResponse: `${BUDGET_S}s`, update: long, resolution: long };
  const parsed = parsePolicy({
    calendars: { always: { timezone: 'Asia/Tokyo', alwaysOpen: true } },
    priorities: { P1: targets, P2: targets, P3: targets, P4: targets },
    warnAt: WARN_AT,
    escalation: { L2: { notify: 'l2@bench.test' }, L3: { notify: 'l3@bench.test' } },
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.policy;
}

interface Lateness {
  deadlines: number;
  /** When the workflow acted (its clock at the workflow task that saw the timer). */
  acted: number[];
  /** When the row was written (PostgreSQL's clock). */
  recorded: number[];
  deadlineSpreadS: number;
}

interface PhaseResult {
  setting: string;
  /** The SDK's task latencies while the warnings and breaches came due (from its Prometheus exporter). */
  tasks: string[];
  workerSettings: string;
  created: number;
  createS: number;
  firstDeadlineAfterCreateS: number;
  breach: Lateness;
  warning: Lateness;
  waitedS: number;
  timedOut: boolean;
}

async function runPhase(setting: string): Promise<PhaseResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-bench-deadlines-'));
  await chmod(dir, 0o755);
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort() });
    stops.unshift(() => postgres.stop());
    const devServer = {
      port: await freePort(),
      logFile: path.join(dir, 'temporal.log'),
      ...(TEMPORAL_DB === 'sqlite' ? { dbFile: path.join(dir, 'temporal.sqlite') } : {}),
    };
    const temporalServer = await startTemporal(setting, devServer, dir);
    stops.unshift(() => temporalServer.stop());
    const config = loadConfig({ DATABASE_URL: postgres.url, TEMPORAL_ADDRESS: temporalServer.address, DATA_DIR: dir, SUPPORT_ADDRESS: 'support@bench.test', LOG_LEVEL: 'error' });
    // As lib/helpdesk.ts wires the worker: its own pool, connection and spam filter.
    const db: Kysely<Database> = await openDatabase(config);
    stops.unshift(() => db.destroy());
    await migrateToLatest(db);
    const temporal: Client = await openTemporalClient(config);
    stops.unshift(() => temporal.connection.close());
    const workerConnection: NativeConnection = await openWorkerConnection(config);
    stops.unshift(() => workerConnection.close());
    const spamFilter = await openSpamFilter(db, postgres.url);
    stops.unshift(() => spamFilter.close());
    const worker: Worker = await createTicketWorker({
      connection: workerConnection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps: activityDeps(db, config, spamFilter),
      tuning: tuningOf(setting),
      ...(BEFORE_WORKFLOWS && setting.startsWith('sdk-defaults') ? { workflowBundle: await bundleWorkflowCode({ workflowsPath: BEFORE_WORKFLOWS, logger: new DefaultLogger('ERROR') }) } : {}),
    });
    const workerDone = worker.run();
    stops.unshift(async () => (worker.shutdown(), workerDone));
    const workerSettings = `${describeWorker(worker)}; workflows ${BEFORE_WORKFLOWS && setting.startsWith('sdk-defaults') ? BEFORE_WORKFLOWS : 'of this tree'}; ${TEMPORAL_DB === 'cluster' ? 'the cluster' : `dev server ${setting.endsWith('@sa-cache') ? 'with its search-attribute cache' : 'as npm start runs it'}`}`;
    console.log(`\n[${setting}] worker: ${workerSettings}`);

    const starter: TicketStarter = {
      db,
      temporal,
      taskQueue: config.temporal.taskQueue,
      settings: { reopenWindowMs: config.reopenWindowMs, autoCloseAfterMs: config.autoCloseAfterMs },
      slaPolicy: benchPolicy(),
    };
    const phaseStarted = Date.now();
    const deadlineOf = (createdMs: number) => createdMs + BUDGET_S * 1000;
    let created = 0;
    let failed = 0;
    const createStarted = performance.now();
    await inParallel(N, CONCURRENCY, async (i) => {
      try {
        await openTicket(starter, {
          customer: { email: `customer${i}@example.jp`, name: `顧客${i}` },
          subject: `締め切りベンチ ${i}`,
          body: '至急対応をお願いします。',
          priority: 'P1',
          channel: 'phone',
        });
        created++;
      } catch (error) {
        if (failed++ < 3) console.log(`[${setting}] opening ${i} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      // Openings that would end after the first deadline would measure the openings, not the deadlines.
      if (Date.now() > deadlineOf(phaseStarted) - 5_000) throw new Error(`openings took longer than the budget (${BUDGET_S}s): set DEADLINE_BUDGET_S higher`);
    });
    const createS = (performance.now() - createStarted) / 1000;
    const firstDeadline = await db.selectFrom('tickets').select((eb) => eb.fn.min('created_at').as('first')).executeTakeFirst();
    const firstDeadlineAfterCreateS = firstDeadline?.first ? (deadlineOf(new Date(firstDeadline.first).getTime()) - Date.now()) / 1000 : NaN;
    console.log(`[${setting}] ${created} tickets opened in ${createS.toFixed(1)} s (${(created / createS).toFixed(1)}/s, ${failed} failed); first deadline in ${firstDeadlineAfterCreateS.toFixed(1)} s`);

    // Wait for every breach, bounded.
    const tasksBefore = await scrapeSdk();
    const waitStarted = Date.now();
    const giveUpAt = waitStarted + TIMEOUT_S * 1000;
    let breaches = 0;
    let lastSaid = 0;
    while (Date.now() < giveUpAt) {
      breaches = Number((await db.selectFrom('sla_events').select((eb) => eb.fn.countAll().as('n')).where('kind', '=', 'breach').executeTakeFirstOrThrow()).n);
      if (breaches >= created) break;
      if (Date.now() - lastSaid > 10_000) {
        console.log(`[${setting}] ${breaches}/${created} breaches recorded`);
        lastSaid = Date.now();
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const timedOut = breaches < created;
    const tasks = taskLatencies(tasksBefore, await scrapeSdk());
    const rows = await db.selectFrom('sla_events').select(['kind', 'deadline', 'actual_at', 'recorded_at']).where('clock', '=', 'firstResponse').where('kind', 'in', ['breach', 'warning']).execute();
    return {
      setting,
      tasks,
      workerSettings,
      created,
      createS,
      firstDeadlineAfterCreateS,
      breach: lateness(rows.filter((r) => r.kind === 'breach')),
      warning: lateness(rows.filter((r) => r.kind === 'warning')),
      waitedS: (Date.now() - waitStarted) / 1000,
      timedOut,
    };
  } finally {
    for (const stop of stops) await stop().catch((error) => console.log(`could not stop a part: ${error instanceof Error ? error.message : String(error)}`));
    await rm(dir, { recursive: true, force: true });
  }
}

/** The Temporal server of the phase: the cluster (DEADLINE_TEMPORAL_DB=cluster), or a dev server. */
async function startTemporal(setting: string, devServer: { port: number; logFile: string; dbFile?: string }, dir: string): Promise<{ address: string; stop(): Promise<unknown> }> {
  if (TEMPORAL_DB === 'cluster') {
    await ensureTemporalServer();
    const { cluster, others } = await freeClusterPorts(1);
    return startTemporalCluster({ dataDir: path.join(dir, 'cluster'), ports: cluster, postgres: { port: others[0] } });
  }
  return setting.endsWith('@sa-cache') ? startDevServerWithSaCache(devServer) : startTemporalDevServer(devServer);
}

/** The dev server as scripts/devstack/temporal-dev-server.ts starts it, with the search-attribute cache on. */
async function startDevServerWithSaCache(options: { port: number; logFile: string; dbFile?: string }) {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn', '--headless'];
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  for (const key of TICKET_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${cliTypeOf(key.type)}`);
  args.push('--dynamic-config-value', 'system.forceSearchAttributesCacheRefreshOnRead=false');
  const server = startProcess('temporal', await ensureTemporalCli(), args, options.logFile);
  const address = `127.0.0.1:${options.port}`;
  await waitFor('the Temporal dev server', async () => {
    const connection = await Connection.connect({ address, connectTimeout: 2000 });
    try {
      await connection.workflowService.describeNamespace({ namespace: 'default' });
    } finally {
      await connection.close();
    }
  }, 120_000);
  return { ...server, address };
}

// ---------------------------------------------------------------- the SDK's own task latencies

let metricsUrl = '';
const TASK_METRICS = [
  ['workflow task schedule-to-start', 'temporal_workflow_task_schedule_to_start_latency_seconds'],
  ['workflow task execution', 'temporal_workflow_task_execution_latency_seconds'],
  ['workflow task replay', 'temporal_workflow_task_replay_latency_seconds'],
  ['activity schedule-to-start', 'temporal_activity_schedule_to_start_latency_seconds'],
  ['activity execution', 'temporal_activity_execution_latency_seconds'],
] as const;
type Histograms = Map<string, Map<number, number>>; // name -> upper bound -> cumulative count (summed over labels)

async function scrapeSdk(): Promise<Histograms> {
  const text = await (await fetch(metricsUrl)).text();
  const histograms: Histograms = new Map();
  for (const line of text.split('\n')) {
    const m = /^(\w+)_bucket\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const le = /le="([^"]+)"/.exec(m[2])?.[1];
    if (!le) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    const buckets = histograms.get(m[1]) ?? new Map<number, number>();
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(m[3]));
    histograms.set(m[1], buckets);
  }
  return histograms;
}

/** Per task kind: count, and the p50 and p99 bucket bounds of what happened between two scrapes. */
function taskLatencies(before: Histograms, after: Histograms): string[] {
  return TASK_METRICS.map(([label, name]) => {
    const a = after.get(name);
    if (!a) return `${label}: –`;
    const b = before.get(name);
    const bounds = [...a.keys()].sort((x, y) => x - y);
    const counts = bounds.map((bound) => a.get(bound)! - (b?.get(bound) ?? 0));
    const total = counts[counts.length - 1] ?? 0;
    const at = (p: number) => {
      const i = counts.findIndex((c) => c >= total * p);
      return i < 0 ? '–' : bounds[i] === Infinity ? `>${bounds[i - 1]}` : `≤${bounds[i]}`;
    };
    return `${label}: ${total} tasks, p50 ${at(0.5)} s, p99 ${at(0.99)} s`;
  });
}

function lateness(rows: { deadline: Date | null; actual_at: Date; recorded_at: Date }[]): Lateness {
  const withDeadline = rows.filter((r) => r.deadline);
  const deadlines = withDeadline.map((r) => r.deadline!.getTime());
  return {
    deadlines: withDeadline.length,
    acted: withDeadline.map((r) => r.actual_at.getTime() - r.deadline!.getTime()),
    recorded: withDeadline.map((r) => r.recorded_at.getTime() - r.deadline!.getTime()),
    deadlineSpreadS: deadlines.length ? (Math.max(...deadlines) - Math.min(...deadlines)) / 1000 : 0,
  };
}

/** The options the worker runs with, as the SDK compiled them. */
function describeWorker(worker: Worker): string {
  const o = worker.options as unknown as Record<string, any>;
  const slots = (s: any) => (s?.type === 'fixed-size' ? s.numSlots : JSON.stringify(s));
  const pollers = (p: any) => (p?.type === 'simple-maximum' ? p.maximum : JSON.stringify(p));
  return [
    `workflow task slots ${slots(o.tuner?.workflowTaskSlotSupplier)}`,
    `activity slots ${slots(o.tuner?.activityTaskSlotSupplier)}`,
    `workflow pollers ${pollers(o.workflowTaskPollerBehavior)}`,
    `activity pollers ${pollers(o.activityTaskPollerBehavior)}`,
    `non-sticky/sticky poll ratio ${o.nonStickyToStickyPollRatio}`,
    `cached workflows ${o.maxCachedWorkflows}`,
    `workflow threads ${o.workflowThreadPoolSize}`,
    `reuse V8 context ${o.reuseV8Context}`,
    `database pool 10 (lib/dependencies.ts default)`,
  ].join(', ');
}

async function inParallel(count: number, concurrency: number, job: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await job(next++);
    }),
  );
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const s = (ms: number) => (Number.isNaN(ms) ? '–' : (ms / 1000).toFixed(2));
const triple = (v: number[]) => `${s(pct(v, 50))} / ${s(pct(v, 99))} / ${s(v.length ? Math.max(...v) : NaN)}`;

function report(results: PhaseResult[]) {
  console.log(`\nDeadlines benchmark, ${new Date().toISOString().slice(0, 10)}: ${N} P1 tickets, first-response budget ${BUDGET_S} s (warning at ${WARN_AT * 100}%), always-open calendar,`);
  console.log(`${CONCURRENCY} openings at once through lib/open-ticket.ts; Temporal: ${TEMPORAL_DB === 'cluster' ? 'the cluster of npm run cluster (four services, PostgreSQL persistence and visibility)' : `dev server, persistence ${TEMPORAL_DB === 'sqlite' ? 'SQLite file (as npm start)' : 'in memory'}`}; ${os.cpus().length} cores.\n`);
  for (const r of results) console.log(`${r.setting}: ${r.workerSettings}\n  while the deadlines came due: ${r.tasks.join('; ')}`);
  console.log('\nLateness in seconds, p50 / p99 / max; "acted": the workflow\'s clock when it acted; "recorded": the sla_events row written.\n');
  console.log('| worker | tickets | opened in s | deadlines within s | breach acted | breach recorded | warning acted | warning recorded | breaches | waited s |');
  console.log('| --- | ---: | ---: | ---: | --- | --- | --- | --- | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${r.setting} | ${r.created} | ${r.createS.toFixed(1)} | ${r.breach.deadlineSpreadS.toFixed(1)} | ${triple(r.breach.acted)} | ${triple(r.breach.recorded)} | ${triple(r.warning.acted)} | ${triple(r.warning.recorded)} | ${r.breach.deadlines}${r.timedOut ? ' (timed out)' : ''} | ${r.waitedS.toFixed(0)} |`,
    );
  }
}

async function main() {
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}`, unitSuffix: true, useSecondsForDurations: true } } },
  });
  const results: PhaseResult[] = [];
  // A bound on the whole run: whatever hangs, it ends and prints what it has.
  const wholeRun = setTimeout(() => {
    console.log(`\nThe run did not end within its bound; what it has:`);
    report(results);
    process.exit(2);
  }, WORKER_SETTINGS.length * (BUDGET_S + TIMEOUT_S + 180) * 1000);
  wholeRun.unref();
  for (const setting of WORKER_SETTINGS) {
    try {
      results.push(await runPhase(setting));
    } catch (error) {
      console.log(`[${setting}] ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  report(results);
  return results.some((r) => r.timedOut) || results.length < WORKER_SETTINGS.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
