// One run of the lifecycle bench, in a process of its own (bench/lifecycle.ts
// starts it): variant A, B or C on the servers the parent started. A warm-up,
// then the counting pass (each transition's workflow tasks, activity tasks and
// SQL statements, its consequences settled before the next), the latency pass
// (concurrency 1), the throughput pass (concurrency N), a drain after each, and
// the result written as JSON to the file the parent named.
//   node --import tsx bench/lifecycle/run.ts <order.json>
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { API_QUERY_TIMEOUT_MS } from '../../api/app';
import { createToken } from '../../api/tokens';
import { TicketGateway } from '../../api/ticket-gateway';
import { storeArticle } from '../../db/articles';
import type { Database } from '../../db/schema';
import { loadConfig, type Config } from '../../lib/config';
import { openDatabase } from '../../lib/dependencies';
import { Helpdesk } from '../../lib/helpdesk';
import { openTicket, ticketWorkflowId, type TicketStarter } from '../../lib/open-ticket';
import { loadSlaPolicy } from '../../lib/sla-policy';
import type { Actor } from '../../workflows/ticket-types';
import { bump, finish, type minimalWorkflow } from './minimal-workflow';
import { emptyWork, STEPS, type RunOrder, type RunResult, type Step, type Work } from './shared';

const order = JSON.parse(readFileSync(process.argv[2], 'utf8')) as RunOrder;
const label = `[run ${order.index} ${order.variant}]`;
const say = (line: string) => console.log(`${label} ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Times one transition; in the counting pass also settles it and adds what it cost. */
type Track = <T>(step: Step, workflowId: () => string, fn: () => Promise<T>) => Promise<T>;
/** One lifecycle of the variant: the 11 transitions through `track`. */
type Lifecycle = (name: string, track: Track) => Promise<string>;

// ---------------------------------------------------------------- PostgreSQL's own statistics

let stats: pg.Client | undefined;
let statReads = 0;

/** Statements (or transactions) so far in the product's database, the bench's own reads left out. */
async function sqlSnapshot(): Promise<{ sql: number; writes: number }> {
  if (!stats) return { sql: 0, writes: 0 };
  if (order.sqlSource === 'statements') {
    const { rows } = await stats.query(`
      SELECT coalesce(sum(calls), 0)::bigint AS sql,
             coalesce(sum(calls) FILTER (WHERE query ~* '^\\s*(insert|update|delete|merge)'), 0)::bigint AS writes
      FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query !~* '^\\s*(begin|commit|rollback|savepoint|release|start transaction)'
        AND query NOT ILIKE '%pg_stat%'`);
    return { sql: Number(rows[0].sql), writes: Number(rows[0].writes) };
  }
  // Each read is a transaction of its own: counted, then left out.
  statReads++;
  const { rows } = await stats.query(`SELECT xact_commit + xact_rollback AS sql, tup_inserted + tup_updated + tup_deleted AS writes FROM pg_stat_database WHERE datname = current_database()`);
  return { sql: Number(rows[0].sql) - statReads, writes: Number(rows[0].writes) };
}

// ---------------------------------------------------------------- workflow histories

/** Tasks and events of a workflow over all its runs (a continue-as-new chain, newest first back to the first). */
async function historyWork(temporal: Client, workflowId: string): Promise<Work> {
  const work = emptyWork();
  let runId: string | undefined;
  for (let n = 0; n < 50; n++) {
    const history = await temporal.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    work.events += events.length;
    for (const e of events) {
      if (e.workflowTaskCompletedEventAttributes) work.workflowTasks++;
      else if (e.activityTaskScheduledEventAttributes) work.activityTasks++;
      else if (e.markerRecordedEventAttributes && /local_activity/.test(e.markerRecordedEventAttributes.markerName ?? '')) work.localActivities++;
    }
    const previous = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) break;
    runId = previous;
  }
  return work;
}

async function isBusy(temporal: Client, workflowId: string): Promise<boolean> {
  const { raw } = await temporal.workflow.getHandle(workflowId).describe();
  return (raw.pendingActivities?.length ?? 0) > 0 || !!raw.pendingWorkflowTask || (raw.pendingChildren?.length ?? 0) > 0;
}

/** Until the workflows have no task pending and the statement count stood still twice; false when it gave up. */
async function settle(temporal: Client, workflowIds: string[], timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  let waiting = [...workflowIds];
  let lastSql = -1;
  let calm = 0;
  const pause = order.sqlSource === 'xact' ? 1100 : 150;
  while (Date.now() < until) {
    const busy = await Promise.all(waiting.map((id) => isBusy(temporal, id).catch(() => true)));
    waiting = waiting.filter((_, i) => busy[i]);
    const { sql } = await sqlSnapshot();
    if (waiting.length === 0 && sql === lastSql) {
      if (++calm >= 2) return true;
    } else calm = 0;
    lastSql = sql;
    await sleep(pause);
  }
  unsettled = waiting.length;
  return false;
}
let unsettled = 0;

const addWork = (into: Work, after: Work, before: Work) => {
  for (const key of Object.keys(emptyWork()) as (keyof Work)[]) into[key] += after[key] - before[key];
};

// ---------------------------------------------------------------- the three variants

const AGENT: Actor = { user: 'alice', role: 'agent', level: 'L1' };
const REVIEWER: Actor = { user: 'rita', role: 'reviewer', level: 'L2' };
const INTEGRATOR: Actor = { user: 'ivan', role: 'integrator' };
const inquiry = (name: string) => ({
  customer: { email: `${name}@example.jp`, name: `顧客 ${name}` },
  subject: `ベンチマーク ${name}`,
  body: 'サーバが起動しません。',
  priority: 'P3' as const,
});

/** A: the floor. A workflow that answers an update with a counter; started, then 9 updates and a last one that ends it. */
function minimalLifecycle(temporal: Client, taskQueue: string): Lifecycle {
  return async (name, track) => {
    const workflowId = `bench-minimal-${name}`;
    const id = () => workflowId;
    const handle: WorkflowHandle<typeof minimalWorkflow> = await track('create', id, () => temporal.workflow.start<typeof minimalWorkflow>('minimalWorkflow', { taskQueue, workflowId }));
    for (const step of STEPS.slice(1, -1)) await track(step, id, () => handle.executeUpdate(bump, { args: [step] }));
    await track('close', id, () => handle.executeUpdate(finish));
    return workflowId;
  };
}

/**
 * B: the ticket workflow and its activities, driven as the API's routes drive
 * them (api/ticket-routes.ts) but without HTTP, tokens, audit or idempotency keys:
 * lib/open-ticket.ts opens, api/ticket-gateway.ts updates, db/articles.ts stores
 * the memo and follow-up texts first, on a pool set up as the API's.
 */
function clientLifecycle(starter: TicketStarter, gateway: TicketGateway, db: Kysely<Database>): Lifecycle {
  return async (name, track) => {
    let number = '';
    const id = () => ticketWorkflowId(number);
    await track('create', id, async () => {
      number = (await openTicket(starter, { ...inquiry(name), channel: 'phone', author: INTEGRATOR.user })).number;
    });
    const memo = async (step: Step, body: string) =>
      track(step, id, async () => {
        await gateway.storedView(number);
        const articleId = await storeArticle(db, { ticketNumber: number, author: AGENT.user, kind: 'memo', body, direction: 'internal', channel: 'web' });
        await gateway.act(number, 'draftMemo', { actor: AGENT, articleId }, `article-${articleId}`);
        return articleId;
      });
    await track('queue', id, () => gateway.act(number, 'assignQueue', { actor: AGENT, queue: 'maintenance-support' }));
    await track('acknowledge', id, () => gateway.act(number, 'acknowledge', { actor: AGENT }));
    const first = await memo('memo', '再起動してください。');
    await track('review', id, () => gateway.act(number, 'reviewMemo', { actor: REVIEWER, memoId: first, decision: 'approve' }));
    await track('answer', id, () => gateway.act(number, 'sendAnswer', { actor: AGENT, memoId: first }));
    await track('follow-up', id, async () => {
      const old = await gateway.storedView(number);
      const articleId = await storeArticle(db, { ticketNumber: number, kind: 'follow_up', direction: 'inbound', channel: 'phone', author: INTEGRATOR.user, body: 'まだ駄目です', fromAddress: old.customer.email });
      const result = await gateway.followUp(number, { articleId, channel: 'phone' }, old);
      if (result === 'workflow-gone' || !result.current) throw new Error(`follow-up of ${number} not answered by the workflow (${JSON.stringify(result)})`);
    });
    const second = await memo('memo-2', 'ディスクを交換します。');
    await track('review-2', id, () => gateway.act(number, 'reviewMemo', { actor: REVIEWER, memoId: second, decision: 'approve' }));
    await track('answer-2', id, () => gateway.act(number, 'sendAnswer', { actor: AGENT, memoId: second }));
    await track('close', id, () => gateway.act(number, 'close', { actor: AGENT, resolution: '交換で解決' }));
    return id();
  };
}

/** C: the HTTP API, as the old bench and curl drive it (no Idempotency-Key). */
function httpLifecycle(url: string, tokens: { agent: string; reviewer: string; integrator: string }): Lifecycle {
  const call = async (token: string, route: string, body: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, any>;
    if (!response.ok) throw new Error(`${route}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  return async (name, track) => {
    let number = '';
    const id = () => ticketWorkflowId(number);
    await track('create', id, async () => {
      number = (await call(tokens.integrator, '/api/tickets', inquiry(name))).number as string;
    });
    const t = () => `/api/tickets/${number}`;
    await track('queue', id, () => call(tokens.agent, `${t()}/queue`, { queue: 'maintenance-support' }));
    await track('acknowledge', id, () => call(tokens.agent, `${t()}/acknowledge`, {}));
    const first = (await track('memo', id, () => call(tokens.agent, `${t()}/memos`, { body: '再起動してください。' }))).memoId as string;
    await track('review', id, () => call(tokens.reviewer, `${t()}/memos/${first}/review`, { decision: 'approve' }));
    await track('answer', id, () => call(tokens.agent, `${t()}/answer`, { memoId: first }));
    await track('follow-up', id, async () => {
      const response = await fetch(`${url}${t()}/follow-ups`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.integrator}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'phone', body: 'まだ駄目です' }),
      });
      await response.text();
      if (response.status !== 200) throw new Error(`follow-up of ${number}: ${response.status} (200 is the workflow's own answer)`);
    });
    const second = (await track('memo-2', id, () => call(tokens.agent, `${t()}/memos`, { body: 'ディスクを交換します。' }))).memoId as string;
    await track('review-2', id, () => call(tokens.reviewer, `${t()}/memos/${second}/review`, { decision: 'approve' }));
    await track('answer-2', id, () => call(tokens.agent, `${t()}/answer`, { memoId: second }));
    await track('close', id, () => call(tokens.agent, `${t()}/close`, { resolution: '交換で解決' }));
    return id();
  };
}

// ---------------------------------------------------------------- the passes

async function inParallel<T>(count: number, concurrency: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await job(i);
      }
    }),
  );
  return results;
}

const emptyLatency = () => Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]>;
const emptyWorkByStep = () => Object.fromEntries(STEPS.map((s) => [s, emptyWork()])) as Record<Step, Work>;

function timing(into: Record<Step, number[]>): Track {
  return async (step, _id, fn) => {
    const started = performance.now();
    const result = await fn();
    into[step].push(performance.now() - started);
    return result;
  };
}

/** Each transition, then its consequences settled (no task pending, no more SQL), then what it added. */
function counting(temporal: Client, into: Record<Step, Work>): Track {
  return async (step, workflowId, fn) => {
    const sqlBefore = await sqlSnapshot();
    const historyBefore = step === 'create' ? emptyWork() : await historyWork(temporal, workflowId());
    const result = await fn();
    if (!(await settle(temporal, [workflowId()], 30_000))) say(`${step} did not settle within 30 s; counted as it stood`);
    const sqlAfter = await sqlSnapshot();
    const historyAfter = await historyWork(temporal, workflowId());
    addWork(into[step], { ...historyAfter, sql: sqlAfter.sql, sqlWrites: sqlAfter.writes }, { ...historyBefore, sql: sqlBefore.sql, sqlWrites: sqlBefore.writes });
    return result;
  };
}

/** The options the worker runs with, as the SDK compiled them. */
function describeWorker(worker: Worker): string {
  const o = worker.options as unknown as Record<string, any>;
  const slots = (s: any) => (s?.type === 'fixed-size' ? s.numSlots : JSON.stringify(s));
  const pollers = (p: any) => (p?.type === 'simple-maximum' ? p.maximum : JSON.stringify(p));
  return `workflow task slots ${slots(o.tuner?.workflowTaskSlotSupplier)}, activity slots ${slots(o.tuner?.activityTaskSlotSupplier)}, local activity slots ${slots(o.tuner?.localActivityTaskSlotSupplier)}, workflow pollers ${pollers(o.workflowTaskPollerBehavior)}, activity pollers ${pollers(o.activityTaskPollerBehavior)}, cached workflows ${o.maxCachedWorkflows}`;
}

async function main(): Promise<void> {
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('ERROR') });
  const taskQueue = `bench-lifecycle-${order.index}-${order.variant}`;
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops) await stop().catch((error) => say(`could not stop a part: ${error instanceof Error ? error.message : String(error)}`));
  };
  try {
    let temporal: Client;
    let lifecycle: Lifecycle;
    let worker: Worker;
    if (order.variant === 'A') {
      const connection = await Connection.connect({ address: order.temporalAddress });
      stops.unshift(() => connection.close());
      temporal = new Client({ connection });
      const native = await NativeConnection.connect({ address: order.temporalAddress });
      stops.unshift(() => native.close());
      // The ticket worker's tuning is the SDK's defaults (worker/ticket-worker.ts), so these are the same options.
      worker = await Worker.create({ connection: native, taskQueue, workflowBundle: { codePath: order.minimalBundle } });
      const running = worker.run();
      stops.unshift(async () => (worker.shutdown(), running));
      lifecycle = minimalLifecycle(temporal, taskQueue);
    } else {
      // The worker as lib/helpdesk.ts wires it for npm start / npm run worker; C adds the API in the same process, as npm start does.
      const config: Config = loadConfig({
        DATABASE_URL: order.databaseUrl,
        TEMPORAL_ADDRESS: order.temporalAddress,
        TEMPORAL_TASK_QUEUE: taskQueue,
        DATA_DIR: order.dataDir,
        SUPPORT_ADDRESS: 'support@bench.test',
        MAILING_LIST_ADDRESS: 'team@bench.test',
        LOG_LEVEL: 'error',
      });
      const slaPolicy = loadSlaPolicy();
      const helpdesk = new Helpdesk({
        config,
        slaPolicy,
        parts: { worker: true, intake: false, api: order.variant === 'C' },
        apiListen: { port: 0, host: '127.0.0.1' },
        workflowBundle: { codePath: order.ticketBundle },
      });
      stops.unshift(() => helpdesk.stop());
      await helpdesk.start();
      temporal = helpdesk.temporal!;
      worker = helpdesk.worker!;
      if (order.variant === 'B') {
        const db = await openDatabase(config, { queryTimeoutMs: API_QUERY_TIMEOUT_MS });
        stops.push(() => db.destroy());
        const starter: TicketStarter = {
          db,
          temporal,
          taskQueue: config.temporal.taskQueue,
          settings: { reopenWindowMs: config.reopenWindowMs, autoCloseAfterMs: config.autoCloseAfterMs },
          slaPolicy,
          desks: helpdesk.desks,
        };
        lifecycle = clientLifecycle(starter, new TicketGateway(temporal, db), db);
      } else {
        const tokens = {
          agent: await createToken(helpdesk.db!, 'alice', 'agent', 'L1'),
          reviewer: await createToken(helpdesk.db!, 'rita', 'reviewer', 'L2'),
          integrator: await createToken(helpdesk.db!, 'ivan', 'integrator'),
        };
        lifecycle = httpLifecycle(helpdesk.api!.url, tokens);
      }
      stats = new pg.Client({ connectionString: order.databaseUrl });
      await stats.connect();
      const client = stats;
      stops.push(() => client.end());
    }

    const name = (phase: string, i: number) => `r${order.index}${order.variant.toLowerCase()}-${phase}-${i}`;
    const discard = emptyLatency();
    say(`warm-up: ${order.warmup} lifecycles`);
    const warm = await inParallel(order.warmup, Math.min(3, order.concurrency), (i) => lifecycle(name('warm', i), timing(discard)));
    await settle(temporal, warm, 60_000);

    say(`counting: ${order.countLifecycles} lifecycles, each transition settled before the next`);
    const work = emptyWorkByStep();
    for (let i = 0; i < order.countLifecycles; i++) await lifecycle(name('count', i), counting(temporal, work));

    say(`latency: ${order.latencyLifecycles} lifecycles at concurrency 1`);
    const latency = emptyLatency();
    const latent = await inParallel(order.latencyLifecycles, 1, (i) => lifecycle(name('lat', i), timing(latency)));
    await settle(temporal, latent, 60_000);

    say(`throughput: ${order.throughputLifecycles} lifecycles at concurrency ${order.concurrency}`);
    const loaded = emptyLatency();
    const sqlBefore = await sqlSnapshot();
    const started = performance.now();
    const ids = await inParallel(order.throughputLifecycles, order.concurrency, (i) => lifecycle(name('tput', i), timing(loaded)));
    const seconds = (performance.now() - started) / 1000;
    const drainStarted = performance.now();
    unsettled = 0;
    await settle(temporal, ids, 180_000);
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    const sqlAfter = await sqlSnapshot();
    const underLoad = { ...emptyWork(), lifecycles: ids.length };
    for (const id of ids) addWork(underLoad, await historyWork(temporal, id), emptyWork());
    underLoad.sql = sqlAfter.sql - sqlBefore.sql;
    underLoad.sqlWrites = sqlAfter.writes - sqlBefore.writes;
    const transitions = Object.values(loaded).reduce((n, v) => n + v.length, 0);
    say(`${transitions} transitions in ${seconds.toFixed(1)} s (${(transitions / seconds).toFixed(1)}/s); drained in ${drainSeconds.toFixed(1)} s${unsettled ? `, ${unsettled} not settled` : ''}`);

    const result: RunResult = {
      variant: order.variant,
      index: order.index,
      latency,
      throughput: { transitions, lifecycles: ids.length, seconds, concurrency: order.concurrency },
      loaded: Object.values(loaded).flat(),
      underLoad,
      work,
      countLifecycles: order.countLifecycles,
      workerSettings: describeWorker(worker),
      drainSeconds,
      unsettled,
    };
    writeFileSync(order.resultFile, JSON.stringify(result));
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`${label} failed:`, error);
    process.exit(1);
  },
);
