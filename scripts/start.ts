// `npm start`: the whole product on one machine, with nothing configured.
// Starts what is not given (a Temporal dev server unless TEMPORAL_ADDRESS, an
// embedded PostgreSQL unless DATABASE_URL), migrates, runs the worker and the
// API, and on Ctrl-C stops them in order (see stopLater).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { API_QUERY_TIMEOUT_MS, createApp } from '../api/app';
import { startApiServer } from '../api/server';
import { migrateToLatest } from '../db/migrate';
import { ConfigError, databaseUrlOf, loadConfig, type Config } from '../lib/config';
import { loadSlaPolicy } from '../lib/sla-policy';
import { openDatabase, openTemporalClient, openWorkerConnection } from '../lib/dependencies';
import { log } from '../lib/log';
import { onShutdownSignal } from '../lib/shutdown';
import { installRuntime } from '../worker/runtime';
import { activityDeps } from '../activities';
import { checkTemplates, TemplateError } from '../activities/outbound-mail/templates';
import { createTicketWorker } from '../worker/ticket-worker';
import { startMailIntake } from '../worker/mail-intake';
import { openSpamFilter } from '../activities/spam/open-spam-filter';
import { startEmbeddedPostgres } from './devstack/embedded-postgres';
import { MissingToolError } from './devstack/temporal-cli';
import { startTemporalDevServer } from './devstack/temporal-dev-server';

/**
 * What was started, with the order to stop it in: the mail intake, then the
 * worker (finishing or handing back its activities), the API, the clients and
 * pools, and last the servers. Registered as soon as each part runs, so a
 * Ctrl-C during start-up stops exactly what is running, in that order.
 */
const stops: Array<{ order: number; name: string; stop: () => Promise<unknown> }> = [];
function stopLater(order: number, name: string, stop: () => Promise<unknown>): void {
  stops.push({ order, name, stop });
  stops.sort((a, b) => a.order - b.order);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const slaPolicy = loadSlaPolicy();
  await checkTemplates(config.mail.templatesDir);
  mkdirSync(path.join(config.dataDir, 'logs'), { recursive: true });
  let stopping = false;
  onShutdownSignal(async () => {
    stopping = true;
    await stopAll();
  });

  const temporalUi = await startTemporalIfNeeded(config);
  await startPostgresIfNeeded(config);
  if (stopping) return;

  const db = await openDatabase(config);
  stopLater(70, 'database pool', () => db.destroy());
  const applied = await migrateToLatest(db);
  if (applied.length) log.info({ applied }, 'database migrated');

  installRuntime();
  const workerConnection = await openWorkerConnection(config);
  stopLater(60, 'worker connection', () => workerConnection.close());
  const spamFilter = await openSpamFilter(db, databaseUrlOf(config));
  stopLater(50, 'spam filter', () => spamFilter.close());
  const worker = await createTicketWorker({
    connection: workerConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: activityDeps(db, config, spamFilter),
  });
  const running = worker.run();
  stopLater(20, 'worker', async () => (worker.shutdown(), running));

  const temporal = await openTemporalClient(config);
  stopLater(40, 'Temporal client', () => temporal.connection.close());
  const apiDb = await openDatabase(config, { queryTimeoutMs: API_QUERY_TIMEOUT_MS });
  stopLater(45, 'API database pool', () => apiDb.destroy());
  const api = await startApiServer(createApp({ db: apiDb, temporal, config, slaPolicy }), config.port);
  stopLater(30, 'API', () => api.close());
  const intake = await startMailIntake({ db, config, connection: workerConnection, temporal, spamFilter, slaPolicy });
  // The poller finishes (or leaves in INBOX) the mail it is taking in.
  stopLater(10, 'mail intake', () => intake.stop());

  console.log(
    [
      '',
      'Helpdesk is running.',
      `  API          ${api.url}   (docs: ${api.url}/docs)`,
      `  Temporal UI  ${temporalUi ?? '(external cluster)'}`,
      `  Temporal     ${config.temporal.address ?? `127.0.0.1:${config.temporal.devPort}`}, namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
      `  Mail intake  ${config.imapUrl ? `watching ${config.imapUrl.replace(/\/\/[^@/]*@/, '//')}` : 'IMAP_URL not set (POST /api/intake/mail and `npx helpdesk intake` still take mail)'}`,
      `  PostgreSQL   ${config.databaseUrl ? 'DATABASE_URL' : `embedded on port ${config.embeddedPgPort}, data in ${path.join(config.dataDir, 'postgres')}`}`,
      '  Create a token: npx helpdesk token create --user alice --role agent --level L1',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await running.catch((error) => {
    log.error({ err: error }, 'the worker stopped with an error');
    process.kill(process.pid, 'SIGTERM');
  });
}

async function startTemporalIfNeeded(config: Config): Promise<string | undefined> {
  if (config.temporal.address) return undefined;
  const server = await startTemporalDevServer({
    port: config.temporal.devPort,
    uiPort: config.temporal.devUiPort,
    dbFile: path.join(config.dataDir, 'temporal.db'),
    logFile: path.join(config.dataDir, 'logs', 'temporal.log'),
    onProgress: (line) => log.info(line),
  });
  stopLater(90, 'Temporal dev server', () => server.stop());
  return server.uiUrl;
}

async function startPostgresIfNeeded(config: Config): Promise<void> {
  if (config.databaseUrl) return;
  const pgLog = log.child({ component: 'postgres' });
  const server = await startEmbeddedPostgres({
    dataDir: path.join(config.dataDir, 'postgres'),
    port: config.embeddedPgPort,
    onLog: (line) => pgLog.debug(line.trim()),
  });
  stopLater(80, 'PostgreSQL', () => server.stop());
}

async function stopAll(): Promise<void> {
  while (stops.length) {
    const { name, stop } = stops.shift()!;
    try {
      await stop();
      log.info(`stopped ${name}`);
    } catch (error) {
      log.warn({ err: error }, `could not stop ${name} cleanly`);
    }
  }
}

main().catch(async (error) => {
  if (error instanceof MissingToolError || error instanceof ConfigError || error instanceof TemplateError) console.error(error.message);
  else log.error({ err: error }, 'could not start');
  await stopAll();
  process.exit(1);
});
