import { Connection } from '@temporalio/client';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cliTypeOf, TICKET_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { ServerStartError, startProcess, waitFor, type RunningProcess } from './processes';
import { ensureTemporalCli } from './temporal-cli';
import { leftoverFromPidFile, removePidFile, stopLeftover, writePidFile } from './leftovers';

export interface DevServerOptions {
  port: number;
  uiPort?: number;
  /** SQLite file; omitted: in memory (tests). */
  dbFile?: string;
  /** PRAGMA=VALUE for the SQLite file (default SQLITE_PRAGMAS). */
  sqlitePragmas?: readonly string[];
  logFile: string;
  /** Where its pid is written, so that a later start can stop it if we die without stopping it. */
  pidFile?: string;
  onProgress?: (line: string) => void;
}

export interface DevServer extends RunningProcess {
  address: string;
  uiUrl?: string;
}

/**
 * WAL instead of SQLite's rollback journal: a commit appends to the log rather
 * than rewriting pages and their journal (mail bench: 16.7 → 23.1 mails/s).
 * synchronous stays FULL, so a commit is on disk when Temporal is told so;
 * synchronous=normal would be faster still (29.7/s) but could lose the last
 * commits on a power loss, and an agent's accepted change must not be lost.
 */
const SQLITE_PRAGMAS: readonly string[] = ['journal_mode=wal'];

/**
 * The real Temporal server as the CLI's dev server: SQLite persistence, the
 * Web UI, and the ticket search attributes registered at launch.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const cli = await ensureTemporalCli(options.onProgress);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  if (options.dbFile) {
    args.push('--db-filename', path.resolve(options.dbFile));
    for (const pragma of options.sqlitePragmas ?? SQLITE_PRAGMAS) args.push('--sqlite-pragma', pragma);
  }
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  for (const key of TICKET_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${cliTypeOf(key.type)}`);

  if (options.pidFile) await stopLeftover(leftoverFromPidFile(options.pidFile, /temporal/), 'an earlier Temporal dev server');
  const logStart = sizeOf(options.logFile);
  const server = startProcess('temporal', cli, args, options.logFile);
  if (options.pidFile) writePidFile(options.pidFile, server.child.pid);
  const address = `127.0.0.1:${options.port}`;
  const exited = new Promise<never>((_, reject) =>
    server.child.once('exit', (code) => reject(new Error(`the Temporal dev server exited (code ${code}); see ${options.logFile}`))),
  );
  await Promise.race([waitFor('the Temporal dev server', () => probeTemporal(address), 120_000), exited]).catch(async (error) => {
    await server.stop();
    throw new ServerStartError(`the Temporal dev server did not start on port ${options.port}: ${firstLine(error)}${portHint(options.logFile, logStart)} (log: ${options.logFile})`);
  });
  const stop = async () => {
    await server.stop();
    if (options.pidFile) removePidFile(options.pidFile);
  };
  return { ...server, stop, address, uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined };
}

/** Resolves once the frontend answers on `address`. */
async function probeTemporal(address: string, namespace = 'default'): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } finally {
    await connection.close();
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** Reads only what this start wrote: the log is appended to across starts. */
function portHint(logFile: string, from: number): string {
  try {
    return /address already in use/i.test(readFileSync(logFile).subarray(from).toString('utf8')) ? '; a port it needs is taken: set TEMPORAL_PORT and TEMPORAL_UI_PORT, or stop what listens there' : '';
  } catch {
    return '';
  }
}
