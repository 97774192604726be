import { Connection } from '@temporalio/client';
import path from 'node:path';
import { cliTypeOf, TICKET_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { startProcess, waitFor, type RunningProcess } from './processes';
import { ensureTemporalCli } from './temporal-cli';

export interface DevServerOptions {
  port: number;
  uiPort?: number;
  /** SQLite file; omitted: in memory (tests). */
  dbFile?: string;
  logFile: string;
  onProgress?: (line: string) => void;
}

export interface DevServer extends RunningProcess {
  address: string;
  uiUrl?: string;
}

/**
 * The real Temporal server as the CLI's dev server: SQLite persistence, the
 * Web UI, and the ticket search attributes registered at launch.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const cli = await ensureTemporalCli(options.onProgress);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  if (options.dbFile) args.push('--db-filename', path.resolve(options.dbFile));
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  for (const key of TICKET_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${cliTypeOf(key.type)}`);

  const server = startProcess('temporal', cli, args, options.logFile);
  const address = `127.0.0.1:${options.port}`;
  const exited = new Promise<never>((_, reject) =>
    server.child.once('exit', (code) => reject(new Error(`the Temporal dev server exited (code ${code}); see ${options.logFile}`))),
  );
  await Promise.race([waitFor('the Temporal dev server', () => probeTemporal(address), 120_000), exited]);
  return { ...server, address, uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined };
}

/** Resolves once the frontend answers on `address`. */
export async function probeTemporal(address: string, namespace = 'default'): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } finally {
    await connection.close();
  }
}
