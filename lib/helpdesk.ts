// The product's one assembly: builds the parts a process runs (the ticket
// worker, the mail intake, the API) from the configuration, starts them, and
// stops them in one order. `npm start`, `npm run worker`, `npm run api` and the
// tests all use it, so a part is wired, and stopped, the same way everywhere.
import { Client, type Connection } from '@temporalio/client';
import type { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { activityDeps } from '../activities';
import { openSpamFilter, type OpenSpamFilter } from '../activities/spam/open-spam-filter';
import { API_QUERY_TIMEOUT_MS, createApp } from '../api/app';
import { startApiServer, type ApiServer } from '../api/server';
import type { Database } from '../db/schema';
import { startMailIntake, type MailIntakeParts, type RunningMailIntake } from '../worker/mail-intake';
import { createTicketWorker } from '../worker/ticket-worker';
import { openDeskChanges } from '../web/live/desk-changes';
import type { SlaPolicy } from '../workflows/sla/policy';
import type { TriageRule } from './triage/rule';
import type { Desks } from './desks/desk';
import { loadDesks } from './desks/desks-file';
import { databaseUrlOf, type Config } from './config';
import { openDatabase, openTemporalClient, openWorkerConnection } from './dependencies';
import { log } from './log';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server';

export interface HelpdeskOptions {
  config: Config;
  /** Loaded (and so validated) before anything starts: a bad file stops the start. */
  slaPolicy: SlaPolicy;
  /** DESKS_FILE's desks, loaded (and checked) before anything starts; absent: the one desk of SUPPORT_ADDRESS. */
  desks?: Desks;
  /** Loaded with the SLA policy (lib/triage/rules-file.ts); absent: no triage. */
  triageRules?: readonly TriageRule[];
  /** Which parts this process runs: `npm start` all three, `npm run worker` the two workers, `npm run api` the API. */
  parts: { worker: boolean; intake: boolean; api: boolean };
  /** Where the API listens; default PORT on all interfaces (tests: port 0 on loopback). */
  apiListen?: { port: number; host: string };
  /** Tests: a bundle made once, instead of bundling the workflows at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Tests: Temporal connections made elsewhere (the time-skipping server's); they stay the caller's. */
  temporal?: { client: Client; workerConnection: NativeConnection };
  /** Tests and benches: the mail poller's tuning. */
  poller?: MailIntakeParts['poller'];
}

/**
 * The order parts stop in: the mail poller first (a mail it is taking in is
 * finished and moved, or left in INBOX), then the ticket worker (activities in
 * flight finish or are handed back), the API (requests in flight finish), and
 * only then what they all use: Temporal connections and database pools. The
 * metrics server goes last: it uses nothing, and shows the stop to the end.
 */
const STOP_ORDER = ['mail intake', 'ticket worker', 'API', 'live changes', 'Temporal client', 'API database pool', 'spam filter', 'worker connection', 'database pool', 'metrics server'] as const;
type PartName = (typeof STOP_ORDER)[number];

export class Helpdesk {
  db?: Kysely<Database>;
  temporal?: Client;
  api?: ApiServer;
  worker?: Worker;
  intake?: RunningMailIntake;
  spamFilter?: OpenSpamFilter;
  metrics?: MetricsServer;
  /** Settles when the ticket worker stops, by shutdown or by a fatal error. */
  workerDone: Promise<void> = Promise.resolve();

  private readonly stops = new Map<PartName, () => Promise<unknown>>();
  private stopping = false;

  constructor(private readonly options: HelpdeskOptions) {}

  /** Every part sees the same desks: the ones given, or DESKS_FILE's (the one desk of SUPPORT_ADDRESS without it). */
  get desks(): Desks {
    return (this.resolvedDesks ??= this.options.desks ?? loadDesks(this.options.config, this.options.slaPolicy));
  }

  private resolvedDesks?: Desks;

  /** Starts the parts; when stop() is called meanwhile, it returns early with what has started stopped. */
  async start(): Promise<this> {
    const { config, parts } = this.options;
    // First: a busy METRICS_PORT stops the start before anything runs.
    if ((parts.worker || parts.intake) && config.metrics.port !== undefined) await this.startMetricsServer(config.metrics.port);
    if (this.stopping) return this;
    this.db = await openDatabase(config);
    this.running('database pool', () => this.db!.destroy());
    if (this.stopping) return this;
    const workerConnection = await this.openTemporal();
    if (this.stopping) return this;
    if (parts.worker || parts.intake) await this.openSpamFilter();
    if (parts.worker && !this.stopping) await this.startWorker(workerConnection!);
    if (parts.api && !this.stopping) await this.startApi();
    if (parts.intake && !this.stopping) await this.startIntake(workerConnection!);
    return this;
  }

  /** Stops what runs, in STOP_ORDER; a part that fails to stop is logged and the rest still stop. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const name of STOP_ORDER) {
      const stop = this.stops.get(name);
      if (!stop) continue;
      this.stops.delete(name);
      try {
        await stop();
        log.info(`stopped ${name}`);
      } catch (error) {
        log.warn({ err: error }, `could not stop ${name} cleanly`);
      }
    }
  }

  private running(name: PartName, stop: () => Promise<unknown>): void {
    this.stops.set(name, stop);
  }

  /** The API's client, and the workers' native connection when this process runs a worker. */
  private async openTemporal(): Promise<NativeConnection | undefined> {
    const { temporal: given, config, parts } = this.options;
    if (given) {
      this.temporal = given.client;
      return given.workerConnection;
    }
    this.temporal = await openTemporalClient(config);
    this.running('Temporal client', () => (this.temporal!.connection as Connection).close());
    if (!parts.worker && !parts.intake) return undefined;
    const workerConnection = await openWorkerConnection(config);
    this.running('worker connection', () => workerConnection.close());
    return workerConnection;
  }

  private async openSpamFilter(): Promise<void> {
    this.spamFilter = await openSpamFilter(this.db!, databaseUrlOf(this.options.config));
    this.running('spam filter', () => this.spamFilter!.close());
  }

  private async startWorker(connection: NativeConnection): Promise<void> {
    const { config } = this.options;
    const worker = await createTicketWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps: activityDeps(this.db!, config, this.spamFilter!, this.desks),
      workflowBundle: this.options.workflowBundle,
    });
    this.worker = worker;
    this.workerDone = worker.run();
    this.running('ticket worker', async () => (worker.shutdown(), this.workerDone));
  }

  /** A worker's /metrics (METRICS_PORT); the API answers /metrics on its own port. */
  private async startMetricsServer(port: number): Promise<void> {
    const { host, allowedIps } = this.options.config.metrics;
    this.metrics = await startMetricsServer({ port, host, allowedIps });
    this.running('metrics server', () => this.metrics!.close());
    log.info({ url: this.metrics.url }, 'metrics served');
  }

  private async startApi(): Promise<void> {
    const { config, slaPolicy, triageRules } = this.options;
    const { desks } = this;
    const apiDb = await openDatabase(config, { queryTimeoutMs: API_QUERY_TIMEOUT_MS });
    this.running('API database pool', () => apiDb.destroy());
    // One LISTEN connection per API process feeds every open console tab.
    const changes = openDeskChanges(databaseUrlOf(config));
    this.running('live changes', () => changes.close());
    const app = createApp({ db: apiDb, temporal: this.temporal!, config, slaPolicy, desks, triageRules, changes });
    const listen = this.options.apiListen ?? { port: config.port, host: '0.0.0.0' };
    this.api = await startApiServer(app, listen.port, listen.host);
    this.running('API', () => this.api!.close());
  }

  private async startIntake(connection: NativeConnection): Promise<void> {
    const { config, slaPolicy, triageRules, workflowBundle, poller } = this.options;
    this.intake = await startMailIntake({
      db: this.db!,
      config,
      connection,
      spamFilter: this.spamFilter!,
      slaPolicy,
      desks: this.desks,
      triageRules,
      workflowBundle,
      poller,
    });
    this.running('mail intake', () => this.intake!.stop());
  }
}
