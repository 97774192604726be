// `npm start`: the whole product on one machine, with nothing configured.
// Starts what is not given (a Temporal dev server unless TEMPORAL_ADDRESS, an
// embedded PostgreSQL unless DATABASE_URL), migrates, runs the worker, the mail
// intake and the API (lib/helpdesk.ts), and on Ctrl-C stops the product first,
// in its order, and the servers last.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { migrateToLatest } from '../db/migrate';
import { ConfigError, loadConfig, type Config } from '../lib/config';
import { Helpdesk } from '../lib/helpdesk';
import { loadDeskFiles } from '../lib/desk-files';
import { openDatabase } from '../lib/dependencies';
import { log } from '../lib/log';
import { maskCredentials } from '../lib/mask-credentials';
import { onShutdownSignal } from '../lib/shutdown';
import { installRuntime } from '../worker/runtime';
import { TemplateError } from '../activities/outbound-mail/templates';
import { startEmbeddedPostgres } from './devstack/embedded-postgres';
import { ServerStartError } from './devstack/processes';
import { MissingToolError } from './devstack/temporal-cli';
import { startTemporalDevServer } from './devstack/temporal-dev-server';

/** The servers this start runs, stopped after the product, PostgreSQL before Temporal. */
const servers: Array<{ name: string; stop: () => Promise<void> }> = [];
let helpdesk: Helpdesk | undefined;

async function main(): Promise<void> {
  const config = loadConfig();
  const files = await loadDeskFiles(config);
  mkdirSync(path.join(config.dataDir, 'logs'), { recursive: true });
  let stopping = false;
  onShutdownSignal(async () => {
    stopping = true;
    await stopAll();
    console.log('Helpdesk stopped.');
  });

  const temporalUi = await startTemporalIfNeeded(config);
  if (!stopping) await startPostgresIfNeeded(config);
  if (stopping) return;
  await migrate(config);

  installRuntime(config);
  helpdesk = new Helpdesk({ config, ...files, parts: { worker: true, intake: true, api: true } });
  await helpdesk.start();
  if (stopping) return;
  console.log(banner(config, helpdesk.api!.url, temporalUi));
  await helpdesk.workerDone.catch((error) => {
    log.error({ err: error }, 'the worker stopped with an error');
    process.kill(process.pid, 'SIGTERM');
  });
}

async function migrate(config: Config): Promise<void> {
  const db = await openDatabase(config);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length) log.info({ applied }, 'database migrated');
  } finally {
    await db.destroy();
  }
}

async function startTemporalIfNeeded(config: Config): Promise<string | undefined> {
  if (config.temporal.address) return undefined;
  const server = await startTemporalDevServer({
    port: config.temporal.devPort,
    uiPort: config.temporal.devUiPort,
    dbFile: path.join(config.dataDir, 'temporal.db'),
    logFile: path.join(config.dataDir, 'logs', 'temporal.log'),
    pidFile: path.join(config.dataDir, 'temporal.pid'),
    onProgress: (line) => log.info(line),
  });
  servers.unshift({ name: 'Temporal dev server', stop: () => server.stop() });
  return server.uiUrl;
}

async function startPostgresIfNeeded(config: Config): Promise<void> {
  if (config.databaseUrl) return;
  const server = await startEmbeddedPostgres({
    dataDir: path.join(config.dataDir, 'postgres'),
    port: config.embeddedPgPort,
    logFile: path.join(config.dataDir, 'logs', 'postgres.log'),
  });
  servers.unshift({ name: 'PostgreSQL', stop: () => server.stop() });
}

async function stopAll(): Promise<void> {
  await helpdesk?.stop();
  while (servers.length) {
    const { name, stop } = servers.shift()!;
    try {
      await stop();
      log.info(`stopped ${name}`);
    } catch (error) {
      log.warn({ err: error }, `could not stop ${name} cleanly`);
    }
  }
}

function banner(config: Config, apiUrl: string, temporalUi: string | undefined): string {
  return [
    '',
    'Helpdesk is running.',
    `  API          ${apiUrl}   (docs: ${apiUrl}/docs)`,
    `  Temporal UI  ${temporalUi ?? '(external cluster)'}`,
    `  Temporal     ${config.temporal.address ?? `127.0.0.1:${config.temporal.devPort}`}, namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
    `  Mail intake  ${config.imapUrl ? `watching ${maskCredentials(config.imapUrl)}` : 'IMAP_URL not set (POST /api/intake/mail and `npx helpdesk intake` still take mail)'}`,
    `  PostgreSQL   ${config.databaseUrl ? 'DATABASE_URL' : `embedded on port ${config.embeddedPgPort}, data in ${path.join(config.dataDir, 'postgres')}`}`,
    '  Create a token: npx helpdesk token create --user alice --role agent --level L1',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

main().catch(async (error) => {
  if (error instanceof MissingToolError || error instanceof ConfigError || error instanceof TemplateError || error instanceof ServerStartError) {
    console.error(`could not start: ${error.message}`);
  } else log.error({ err: error }, 'could not start');
  await stopAll();
  process.exit(1);
});
