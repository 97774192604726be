// `npm start`: the whole product on one machine, with nothing configured.
// Starts what is not given (a Temporal dev server unless TEMPORAL_ADDRESS, an
// embedded PostgreSQL unless DATABASE_URL), migrates, runs the worker and the
// API, and on Ctrl-C stops them in reverse order.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createApp } from '../api/app';
import { startApiServer } from '../api/server';
import { migrateToLatest } from '../db/migrate';
import { ConfigError, databaseUrlOf, loadConfig, type Config } from '../lib/config';
import { loadSlaPolicy } from '../lib/sla-policy';
import { openDatabase, openTemporalClient, openWorkerConnection } from '../lib/dependencies';
import { log } from '../lib/log';
import { onShutdownSignal } from '../lib/shutdown';
import { installRuntime } from '../worker/runtime';
import { activityDeps } from '../activities';
import { createTicketWorker } from '../worker/ticket-worker';
import { startMailIntake } from '../worker/mail-intake';
import { openSpamFilter } from '../activities/spam/open-spam-filter';
import { startEmbeddedPostgres } from './devstack/embedded-postgres';
import { MissingToolError } from './devstack/temporal-cli';
import { startTemporalDevServer } from './devstack/temporal-dev-server';

const stops: Array<{ name: string; stop: () => Promise<unknown> }> = [];

async function main(): Promise<void> {
  const config = loadConfig();
  const slaPolicy = loadSlaPolicy();
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
  stops.unshift({ name: 'database pool', stop: () => db.destroy() });
  const applied = await migrateToLatest(db);
  if (applied.length) log.info({ applied }, 'database migrated');

  installRuntime();
  const workerConnection = await openWorkerConnection(config);
  stops.unshift({ name: 'worker connection', stop: () => workerConnection.close() });
  const spamFilter = await openSpamFilter(db, databaseUrlOf(config));
  stops.unshift({ name: 'spam filter', stop: () => spamFilter.close() });
  const worker = await createTicketWorker({
    connection: workerConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: activityDeps(db, config, spamFilter),
  });
  const running = worker.run();

  const temporal = await openTemporalClient(config);
  stops.unshift({ name: 'Temporal client', stop: () => temporal.connection.close() });
  const api = await startApiServer(createApp({ db, temporal, config, slaPolicy }), config.port);
  stops.unshift({ name: 'API', stop: () => api.close() });
  const intake = await startMailIntake({ db, config, connection: workerConnection, temporal, spamFilter, slaPolicy });
  // The ticket worker stops early, finishing its activities (or handing them back), then the API, then the servers.
  stops.unshift({ name: 'worker', stop: async () => (worker.shutdown(), running) });
  // Before it, the mail intake: the poller finishes (or leaves in INBOX) the mail it is taking in.
  stops.unshift({ name: 'mail intake', stop: () => intake.stop() });

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
  stops.unshift({ name: 'Temporal dev server', stop: () => server.stop() });
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
  stops.unshift({ name: 'PostgreSQL', stop: () => server.stop() });
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
  if (error instanceof MissingToolError || error instanceof ConfigError) console.error(error.message);
  else log.error({ err: error }, 'could not start');
  await stopAll();
  process.exit(1);
});
