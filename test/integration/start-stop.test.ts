// `npm start` as a newcomer runs it, as root in a folder of mode 0700, stopped
// the way a terminal stops it: a signal to the whole foreground process group.
// Every process it started must be gone and every port free afterwards, every
// time; a start killed with SIGKILL must not stop the next one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../scripts/devstack/ports';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ROUNDS = 10;

interface Started {
  npm: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
  processes: number[];
}

let home: string;
let ports: Record<'PORT' | 'TEMPORAL_PORT' | 'TEMPORAL_UI_PORT' | 'PG_PORT', number>;
const everStarted = new Set<number>();

beforeAll(async () => {
  // A folder only its owner may enter, in the user's home (for root: /root, itself 0700).
  home = mkdtempSync(path.join(os.homedir(), 'helpdesk-start-'));
});

afterAll(() => {
  for (const pid of everStarted) kill(pid, 'SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

async function start(): Promise<Started> {
  // Fresh ports each round: ports held across rounds could be taken meanwhile by anything else on the machine.
  const [PORT, TEMPORAL_PORT, TEMPORAL_UI_PORT, PG_PORT] = await freePorts(4);
  ports = { PORT, TEMPORAL_PORT, TEMPORAL_UI_PORT, PG_PORT };
  // Nothing configured, as a newcomer has it: the start runs its own servers.
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: path.join(home, 'data'), ...stringsOf(ports) };
  for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'IMAP_URL', 'SMTP_URL']) delete env[key];
  // Its own process group, as a terminal's foreground job has.
  const npm = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout!.on('data', (chunk) => (output += chunk));
  npm.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    npm.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = await Promise.race([
    until(() => output.includes('Helpdesk is running.'), 240_000).then(() => true),
    exited.then(() => false),
  ]);
  if (!ready) throw new Error(`npm start ended before it was ready:\n${output}`);
  const processes = descendantsOf(npm.pid!);
  processes.forEach((pid) => everStarted.add(pid));
  return { npm, exited, output: () => output, processes };
}

async function stopWith(started: Started, signal: NodeJS.Signals) {
  const since = Date.now();
  process.kill(-started.npm.pid!, signal);
  const result = await Promise.race([started.exited, sleep(30_000).then(() => 'timeout' as const)]);
  return { result, ms: Date.now() - since };
}

async function expectNothingLeft(started: Started): Promise<void> {
  await until(() => started.processes.every((pid) => !alive(pid)), 5_000).catch(() => {});
  const left = started.processes.filter(alive).map((pid) => `${pid} ${commandLine(pid)}`);
  expect(left, 'processes left running').toEqual([]);
  for (const [name, port] of Object.entries(ports)) expect(await portIsFree(port), `${name} ${port} is free`).toBe(true);
}

describe('npm start and a terminal’s signals', () => {
  it(`stops everything it started on Ctrl-C, ${ROUNDS} times in a row, within 30 s`, async () => {
    const times: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const started = await start();
      // The servers, the product and npm: at least Temporal, PostgreSQL and node.
      expect(started.processes.map(commandLine).join('\n')).toMatch(/temporal[\s\S]*postgres|postgres[\s\S]*temporal/);
      const { result, ms } = await stopWith(started, 'SIGINT');
      expect(result, `round ${round}: stopped within 30 s`).not.toBe('timeout');
      // The product ends cleanly (exit 0 after "Helpdesk stopped."); npm then ends itself by the same
      // SIGINT, so that a shell sees 130 and a script that ran it stops too (POSIX's wait-and-cooperative-exit).
      expect(result).toEqual({ code: null, signal: 'SIGINT' });
      expect(started.output(), `round ${round}`).toContain('Helpdesk stopped.');
      expect(started.output()).not.toMatch(/could not stop/);
      await expectNothingLeft(started);
      times.push(ms);
    }
    console.log(`Ctrl-C rounds: ${ROUNDS}, stop took ${times.map((t) => (t / 1000).toFixed(1)).join(', ')} s`);
  }, 30 * 60_000);

  it.each(['SIGTERM', 'SIGHUP'] as const)('stops everything on %s', async (signal) => {
    const started = await start();
    const { result } = await stopWith(started, signal);
    expect(result).not.toBe('timeout');
    await until(() => started.output().includes('Helpdesk stopped.'), 30_000);
    await expectNothingLeft(started);
  }, 5 * 60_000);

  it('a second Ctrl-C ends it at once and still leaves nothing behind', async () => {
    const started = await start();
    process.kill(-started.npm.pid!, 'SIGINT');
    await sleep(1_100);
    kill(-started.npm.pid!, 'SIGINT');
    const result = await Promise.race([started.exited, sleep(30_000).then(() => 'timeout' as const)]);
    expect(result).not.toBe('timeout');
    await expectNothingLeft(started);
  }, 5 * 60_000);

  it('the start after one killed with SIGKILL stops what the dead one left, and starts', async () => {
    const killed = await start();
    // SIGKILL reaches npm and the product; the servers, in their own groups, stay behind.
    process.kill(-killed.npm.pid!, 'SIGKILL');
    await killed.exited;
    expect(killed.processes.some(alive), 'servers outlive a SIGKILL').toBe(true);
    const next = await start();
    expect(killed.processes.filter(alive).map(commandLine)).toEqual([]);
    await stopWith(next, 'SIGINT');
    await expectNothingLeft(next);
  }, 10 * 60_000);
});

function descendantsOf(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended meanwhile
    }
  }
  const found = [root];
  for (let i = 0; i < found.length; i++) for (const [pid, ppid] of parents) if (ppid === found[i]) found.push(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function stringsOf(values: Record<string, number>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(100);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
