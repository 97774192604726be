// One Temporal service (frontend, history, matching or worker) as a process of
// its own, in its own process group, reading the cluster's one config file:
// so one service can be stopped and started again while the others run on.
import { Connection } from '@temporalio/client';
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import { leftoverFromPidFile, removePidFile, stopLeftover, writePidFile } from './leftovers';
import { ServerStartError, startProcess, waitFor, type RunningProcess } from './processes';
import { CLUSTER_SERVICES, type ClusterPorts, type ClusterService } from './temporal-server-config';

export interface ServiceLayout {
  server: string;
  /** `--root`: the config is `<root>/config/cluster.yaml`, logs `<root>/logs/temporal-<service>.log`. */
  root: string;
  ports: ClusterPorts;
}

const START_TIMEOUT_MS = 120_000;
/** History hands its shards back on SIGTERM; give it time before insisting. */
const STOP_GRACE_MS = 20_000;

const serviceLogFile = (layout: ServiceLayout, service: ClusterService) => path.join(layout.root, 'logs', `temporal-${service}.log`);
const pidFile = (layout: ServiceLayout, service: ClusterService) => path.join(layout.root, `temporal-${service}.pid`);

/** Starts `service` and resolves once it serves; a service that cannot start is a ServerStartError in one line. */
/** Stops the services a start killed with SIGKILL left running (found by their pid files). */
export async function stopLeftoverServices(layout: ServiceLayout): Promise<void> {
  for (const service of CLUSTER_SERVICES) {
    await stopLeftover(leftoverFromPidFile(pidFile(layout, service), /temporal-server-/), `an earlier Temporal ${service} service`);
  }
}

export async function startService(layout: ServiceLayout, service: ClusterService): Promise<RunningProcess> {
  const pids = pidFile(layout, service);
  const logFile = serviceLogFile(layout, service);
  const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
  const args = ['--root', layout.root, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start', '--service', service];
  const running = startProcess(`temporal ${service}`, layout.server, args, logFile, STOP_GRACE_MS);
  logUntilClosed(running.child, logFile);
  writePidFile(pids, running.child.pid);
  const exited = new Promise<never>((_, reject) => running.child.once('exit', (code) => reject(new Error(`it exited (code ${code})`))));
  try {
    await Promise.race([waitFor(`the Temporal ${service} service`, servingProbe(layout.ports, service), START_TIMEOUT_MS), exited]);
  } catch (error) {
    await running.stop();
    removePidFile(pids);
    throw new ServerStartError(`Temporal's ${service} service did not start: ${reason(error, logFile, logStart)} (log: ${logFile})`);
  }
  return { ...running, stop: () => running.stop().finally(() => removePidFile(pids)) };
}

/**
 * startProcess pipes stdout and stderr into one log stream that ends when
 * either pipe does; the server writes its last line ("All services are
 * stopped.") to stdout after stderr has closed, which would then be written
 * after the end: a fatal ERR_STREAM_WRITE_AFTER_END. So both pipes go to a
 * stream of our own instead, ended once the child and both pipes are done.
 */
function logUntilClosed(child: ChildProcess, logFile: string): void {
  const log = createWriteStream(logFile, { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.unpipe();
    stream?.pipe(log, { end: false });
  }
  child.once('close', () => log.end());
}

/** The gRPC health service names the services register (their handler.go); the worker service has no gRPC server. */
const HEALTH_NAMES: Partial<Record<ClusterService, string>> = {
  frontend: 'temporal.api.workflowservice.v1.WorkflowService',
  history: 'temporal.api.workflowservice.v1.HistoryService',
  matching: 'temporal.api.workflowservice.v1.MatchingService',
};

/**
 * Serving means SERVING on the service's own health check: history says so only
 * once it holds its shards. The worker service is ready when its membership
 * port answers: it has joined the ring the others look it up in.
 */
function servingProbe(ports: ClusterPorts, service: ClusterService): () => Promise<void> {
  const { grpc, membership } = ports.services[service];
  const healthName = HEALTH_NAMES[service];
  if (!healthName) return () => tcpAnswers(membership);
  return async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${grpc}`, connectTimeout: 2000 });
    try {
      const { status } = await connection.withDeadline(Date.now() + 2000, () => connection.healthService.check({ service: healthName }));
      if (status !== 1) throw new Error(`health check says ${status === 2 ? 'NOT_SERVING' : `status ${status}`}`);
    } finally {
      await connection.close();
    }
  };
}

function tcpAnswers(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000, () => socket.destroy(new Error(`port ${port} does not answer`)));
    socket.once('connect', () => (socket.end(), resolve()));
    socket.once('error', reject);
  });
}

/** What went wrong, from this start's part of the log (it is appended to across starts). */
function reason(error: unknown, logFile: string, from: number): string {
  const log = existsSync(logFile) ? readFileSync(logFile).subarray(from).toString('utf8') : '';
  const port = /listen tcp 127\.0\.0\.1:(\d+): bind: address already in use/.exec(log)?.[1];
  if (port) return `port ${port} is taken; set TEMPORAL_PORT to move the cluster's ports, or stop what listens there`;
  const fatal = log.split('\n').filter((line) => /"level":"(fatal|error)"/.test(line)).pop();
  return (fatal && logMessage(fatal)) || (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** The server logs JSON lines: `{"level":"fatal","msg":"…","error":"…"}`. */
function logMessage(line: string): string | undefined {
  try {
    const { msg, error } = JSON.parse(line) as { msg?: string; error?: string };
    return [msg, error].filter(Boolean).join(': ') || undefined;
  } catch {
    return undefined;
  }
}
