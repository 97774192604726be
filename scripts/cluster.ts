// `npm run cluster`: a production-shaped Temporal on this machine (the server
// itself, its four services as separate processes, persistence and visibility
// on PostgreSQL) for the product to be pointed at with TEMPORAL_ADDRESS. Runs
// until Ctrl-C, then stops the services and last PostgreSQL, as `npm start`
// does. Typing `restart history` (or frontend, matching, worker) restarts that
// service alone while the others run on.
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError, loadConfig } from '../lib/config';
import { log } from '../lib/log';
import { maskCredentials } from '../lib/mask-credentials';
import { onShutdownSignal } from '../lib/shutdown';
import { ServerStartError } from './devstack/processes';
import { MissingToolError } from './devstack/temporal-cli';
import { startTemporalCluster, type TemporalCluster } from './devstack/temporal-server';
import { TEMPORAL_SERVER_VERSION } from './devstack/temporal-server-build';
import { CLUSTER_SERVICES, portsFrom, type ClusterPorts, type ClusterService } from './devstack/temporal-server-config';

/** Beside `npm start`'s own PostgreSQL (PG_PORT, 5433), which the product keeps using. */
const DEFAULT_PG_PORT = 5434;

let cluster: TemporalCluster | undefined;

async function main(): Promise<void> {
  const config = loadConfig();
  const dataDir = path.join(config.dataDir, 'cluster');
  const ports = portsFrom(config.temporal.devPort);
  const databaseUrl = process.env.TEMPORAL_DATABASE_URL || undefined;
  const pgPort = portSetting('TEMPORAL_PG_PORT', DEFAULT_PG_PORT);
  // A Ctrl-C while it starts ends the process, and processes.ts's exit hook kills what had started.
  onShutdownSignal(async () => {
    await cluster?.stop();
    console.log('Temporal cluster stopped.');
  });
  const startedAt = Date.now();
  cluster = await startTemporalCluster({
    dataDir,
    ports,
    postgres: databaseUrl ? { url: databaseUrl } : { port: pgPort },
    onProgress: (line) => log.info(line),
    onServiceExit: (service, code) => log.error(`Temporal's ${service} service exited (code ${code}); see ${path.join(dataDir, 'logs', `temporal-${service}.log`)}, then type: restart ${service}`),
  });
  console.log(banner(cluster, ports, dataDir, databaseUrl ? maskCredentials(databaseUrl) : `embedded on port ${pgPort}, data in ${path.join(dataDir, 'postgres')}`, Date.now() - startedAt));
  acceptRestarts(cluster);
}

function portSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new ConfigError(`${name}=${raw} is not a port number`);
  return port;
}

/** Lines typed on the terminal: `restart <service>`. Not raw mode, so Ctrl-C stays a signal. */
function acceptRestarts(running: TemporalCluster): void {
  if (!process.stdin.isTTY) return;
  const lines = createInterface({ input: process.stdin, terminal: false });
  lines.on('line', (line) => {
    const [command, service] = line.trim().split(/\s+/);
    if (!command) return;
    if (command !== 'restart' || !CLUSTER_SERVICES.includes(service as ClusterService)) {
      console.log(`type: restart ${CLUSTER_SERVICES.join('|')}`);
      return;
    }
    const since = Date.now();
    running.restart(service as ClusterService).then(
      () => console.log(`restarted the ${service} service in ${seconds(Date.now() - since)}`),
      (error: Error) => console.error(`could not restart the ${service} service: ${error.message}`),
    );
  });
}

function banner(running: TemporalCluster, ports: ClusterPorts, dataDir: string, postgres: string, startMs: number): string {
  const { services } = ports;
  return [
    '',
    `Temporal cluster is running (server ${TEMPORAL_SERVER_VERSION}, started in ${seconds(startMs)}).`,
    `  Frontend     ${running.address} (gRPC), 127.0.0.1:${ports.frontendHttp} (HTTP), namespace ${running.namespace}`,
    `  Services     separate processes: history ${services.history.grpc}, matching ${services.matching.grpc}, frontend ${services.frontend.grpc}, worker (membership ${services.worker.membership})`,
    `  PostgreSQL   ${postgres}: databases temporal, temporal_visibility`,
    `  Logs         ${path.join(dataDir, 'logs')}/`,
    'Point the product at it, in another terminal:',
    `  TEMPORAL_ADDRESS=${running.address} npm start`,
    `  or TEMPORAL_ADDRESS=${running.address} DATABASE_URL=postgres://… npm run worker   (and npm run api)`,
    `Type "restart history" (or ${CLUSTER_SERVICES.filter((s) => s !== 'history').join(', ')}) to restart one service alone. Press Ctrl-C to stop.`,
    '',
  ].join('\n');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

main().catch(async (error) => {
  if (error instanceof MissingToolError || error instanceof ConfigError || error instanceof ServerStartError) {
    // embedded-postgres.ts names npm start's variable for a busy port; this PostgreSQL's is TEMPORAL_PG_PORT.
    console.error(`could not start the Temporal cluster: ${error.message.replace('set PG_PORT', 'set TEMPORAL_PG_PORT')}`);
  } else log.error({ err: error }, 'could not start the Temporal cluster');
  await cluster?.stop();
  process.exit(1);
});
