// A production-shaped Temporal: the server itself (not the dev server), with
// persistence and visibility on PostgreSQL, and its four services (history,
// matching, frontend, worker) as separate processes reading one config file,
// so that one of them can be restarted while the others run on.
// `npm run cluster` (scripts/cluster.ts) runs it; tests start it too.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres';
import type { RunningProcess } from './processes';
import { ensureTemporalServer } from './temporal-server-build';
import { CLUSTER_SERVICES, clusterConfigYaml, type ClusterPorts, type ClusterService, type SqlConnection } from './temporal-server-config';
import { prepareNamespace } from './temporal-server-namespace';
import { setUpTemporalDatabases } from './temporal-server-schema';
import { forgetDepartedMembers } from './temporal-server-membership';
import { checkMembershipPorts } from './temporal-server-ports';
import { startService, stopLeftoverServices, type ServiceLayout } from './temporal-server-services';

export interface TemporalClusterOptions {
  /** config/, logs/, the services' pid files and (when started here) postgres/. */
  dataDir: string;
  ports: ClusterPorts;
  /** Temporal's databases go on the PostgreSQL at `url` (its user may create databases), or on one started here on `port`. */
  postgres: { url: string } | { port: number };
  namespace?: string;
  onProgress?: (line: string) => void;
  /** A service ended without being asked to (a crash); the others run on, and restart() brings it back. */
  onServiceExit?: (service: ClusterService, code: number | null) => void;
}

export interface TemporalCluster {
  /** The frontend's gRPC address, for TEMPORAL_ADDRESS. */
  address: string;
  namespace: string;
  /** Stops one service and starts it again, resolving once it serves; the others run on meanwhile. */
  restart(service: ClusterService): Promise<void>;
  /** Stops the services (worker, frontend, matching, history), then the PostgreSQL started here. */
  stop(): Promise<void>;
}

export async function startTemporalCluster(options: TemporalClusterOptions): Promise<TemporalCluster> {
  checkMembershipPorts(options.ports);
  const progress = options.onProgress ?? (() => {});
  const { server, sqlTool } = await ensureTemporalServer(progress);
  const root = path.resolve(options.dataDir);
  const logs = path.join(root, 'logs');
  mkdirSync(path.join(root, 'config'), { recursive: true });
  mkdirSync(logs, { recursive: true });

  const postgres = 'url' in options.postgres
    ? { url: options.postgres.url, stop: async () => {} }
    : await startEmbeddedPostgres({ dataDir: path.join(root, 'postgres'), port: options.postgres.port, logFile: path.join(logs, 'postgres.log') });
  const layout: ServiceLayout = { server, root, ports: options.ports };
  const running = new Map<ClusterService, RunningProcess>();
  const launch = async (service: ClusterService) => {
    const started = await startService(layout, service);
    started.child.once('exit', (code) => running.get(service) === started && options.onServiceExit?.(service, code));
    running.set(service, started);
  };
  /** Forgotten before it is stopped, so that its exit is not taken for a crash. */
  const halt = async (service: ClusterService) => {
    const stopping = running.get(service);
    running.delete(service);
    await stopping?.stop();
  };
  const stop = async () => {
    for (const service of [...CLUSTER_SERVICES].reverse()) await halt(service);
    await postgres.stop();
  };

  try {
    const db = sqlConnectionOf(postgres.url);
    progress('setting up the temporal and temporal_visibility databases...');
    await setUpTemporalDatabases(sqlTool, db, path.join(logs, 'temporal-schema.log'));
    // It holds the database password: readable by its owner only.
    writeFileSync(path.join(root, 'config', 'cluster.yaml'), clusterConfigYaml(options.ports, db), { mode: 0o600 });
    await stopLeftoverServices(layout);
    await forgetDepartedMembers(postgres.url);
    progress(`starting Temporal's ${CLUSTER_SERVICES.join(', ')} services...`);
    // The first service on fresh databases writes the cluster's metadata; several at once race to and all but one fail.
    const [first, ...others] = CLUSTER_SERVICES;
    await launch(first);
    const started = await Promise.allSettled(others.map(launch));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const address = `127.0.0.1:${options.ports.services.frontend.grpc}`;
    const namespace = options.namespace ?? 'default';
    await prepareNamespace(address, namespace);
    const restart = async (service: ClusterService) => {
      await halt(service);
      await launch(service);
    };
    return { address, namespace, restart, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The temporal-sql-tool's and the server's view of a postgres:// URL. */
function sqlConnectionOf(url: string): SqlConnection {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}
