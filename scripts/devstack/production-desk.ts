// The desk in its production shape, on this machine only (127.0.0.1), for the
// scale-out test and the fault suite: the production-shaped Temporal cluster
// (its own PostgreSQL), the product's PostgreSQL, GreenMail behind TCP proxies
// (SMTP and IMAP can be cut or refused), two `npm run worker` and two
// `npm run api` processes. Every part can be killed or restarted by itself.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createToken } from '../../api/tokens';
import { connectDatabase } from '../../db/connect';
import { migrateToLatest } from '../../db/migrate';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';
import { startGreenMail, type GreenMail } from './greenmail';
import { outputSays, startProductProcess, type ProductProcess } from './product-process';
import { startTemporalCluster, type TemporalCluster } from './temporal-server';
import { freeClusterPorts } from './temporal-server-ports';
import { startTcpProxy, type TcpProxy } from '../faults/tcp-proxy';

export const SUPPORT = 'support@desk.test';
export const CUSTOMER = 'customer@example.jp';
const USERS = { alice: ['agent', 'L1'], rita: ['reviewer', 'L2'], ivan: ['integrator', undefined] } as const;
export type DeskUser = keyof typeof USERS;

/** P1 first response in 8 s (the escalations the tests time); everything else has time for a loaded machine. */
const POLICY = {
  calendars: { always: { timezone: 'Asia/Tokyo', alwaysOpen: true } },
  priorities: {
    P1: { calendar: 'always', firstResponse: '8s', update: '1h', resolution: '2h' },
    P2: { calendar: 'always', firstResponse: '1h', update: '1h', resolution: '2h' },
    P3: { calendar: 'always', firstResponse: '1h', update: '1h', resolution: '2h' },
    P4: { calendar: 'always', firstResponse: '1h', update: '1h', resolution: '2h' },
  },
  warnAt: 0.5,
  escalation: { L2: { notify: 'l2@desk.test' }, L3: { notify: 'l3@desk.test' } },
};

export class ProductionDesk {
  readonly workers: ProductProcess[] = [];
  readonly apis: { process: ProductProcess; url: string; port: number }[] = [];
  readonly tokens = {} as Record<DeskUser, string>;
  db!: ReturnType<typeof connectDatabase>;
  cluster!: TemporalCluster;
  greenMail!: GreenMail;
  smtp!: TcpProxy;
  imap!: TcpProxy;
  private postgres!: RunningPostgres;
  private pgPort = 0;
  private env: Record<string, string> = {};
  /** Each worker's METRICS_PORT and TEMPORAL_METRICS_PORT. */
  private workerMetricsPorts: number[][] = [];

  constructor(private readonly dir: string) {}

  async start(): Promise<this> {
    mkdirSync(this.dir, { recursive: true });
    const { cluster, others } = await freeClusterPorts(10);
    const [temporalPg, pgPort, smtpPort, imapPort, api1, api2, ...metrics] = others;
    this.workerMetricsPorts = [metrics.slice(0, 2), metrics.slice(2, 4)];
    this.cluster = await startTemporalCluster({ dataDir: path.join(this.dir, 'cluster'), ports: cluster, postgres: { port: temporalPg } });
    this.pgPort = pgPort;
    await this.startPostgres();
    this.db = connectDatabase(this.postgres.url);
    await migrateToLatest(this.db);
    for (const [user, [role, level]] of Object.entries(USERS)) this.tokens[user as DeskUser] = await createToken(this.db, user, role, level);
    this.greenMail = await startGreenMail({ smtpPort, imapPort, users: ['support:pw@desk.test', 'customer:pw@example.jp'] });
    this.smtp = await startTcpProxy({ host: '127.0.0.1', port: smtpPort });
    this.imap = await startTcpProxy({ host: '127.0.0.1', port: imapPort });
    const imapUrl = new URL(`${this.greenMail.imapUrlFor('support')}/INBOX`);
    imapUrl.port = String(this.imap.port);
    const policyFile = path.join(this.dir, 'sla-policy.json');
    writeFileSync(policyFile, JSON.stringify(POLICY));
    this.env = {
      DATABASE_URL: this.postgres.url,
      TEMPORAL_ADDRESS: this.cluster.address,
      TEMPORAL_TASK_QUEUE: 'faults',
      SUPPORT_ADDRESS: SUPPORT,
      MAILING_LIST_ADDRESS: 'team@desk.test',
      SMTP_URL: `smtp://127.0.0.1:${this.smtp.port}`,
      IMAP_URL: imapUrl.toString(),
      SLA_POLICY_FILE: policyFile,
      DATA_DIR: this.dir,
      LOG_LEVEL: 'info',
    };
    for (const i of [0, 1]) await this.startWorker(i);
    for (const [i, port] of [api1, api2].entries()) await this.startApi(i, port);
    return this;
  }

  async startWorker(i: number): Promise<void> {
    const [desk, sdk] = this.workerMetricsPorts[i];
    const env = { ...this.env, METRICS_PORT: String(desk), TEMPORAL_METRICS_PORT: String(sdk) };
    const worker = startProductProcess(`worker-${i}`, 'worker', env, path.join(this.dir, `worker-${i}.log`));
    this.workers[i] = worker;
    await outputSays(worker, 'worker running');
  }

  /** SIGKILL: the process dies wherever it is, as when its machine is lost. */
  async killWorker(i: number): Promise<void> {
    await this.workers[i].stop(0);
  }

  async startApi(i: number, port = this.apis[i].port): Promise<void> {
    const api = startProductProcess(`api-${i}`, 'api', { ...this.env, PORT: String(port), IMAP_URL: '' }, path.join(this.dir, `api-${i}.log`));
    this.apis[i] = { process: api, url: `http://127.0.0.1:${port}`, port };
    await outputSays(api, 'API listening');
  }

  /** Every process's /metrics: the APIs', and each worker's own and its Temporal SDK's. */
  metricsUrls(): string[] {
    return [...this.apis.map((api) => `${api.url}/metrics`), ...this.workerMetricsPorts.flat().map((port) => `http://127.0.0.1:${port}/metrics`)];
  }

  async killApi(i: number): Promise<void> {
    await this.apis[i].process.stop(0);
  }

  /** Stops the product's PostgreSQL (a fast shutdown: connections are cut) and starts it again on the same files and port. */
  async restartPostgres(downMs: number): Promise<void> {
    await this.postgres.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await this.startPostgres();
  }

  async stop(): Promise<void> {
    for (const api of this.apis) await api.process.stop();
    for (const worker of this.workers) await worker.stop();
    await this.smtp?.close();
    await this.imap?.close();
    await this.greenMail?.stop();
    await this.db?.destroy();
    await this.postgres?.stop();
    await this.cluster?.stop();
  }

  private async startPostgres(): Promise<void> {
    this.postgres = await startEmbeddedPostgres({ dataDir: path.join(this.dir, 'postgres'), port: this.pgPort, logFile: path.join(this.dir, 'postgres.log') });
  }
}
