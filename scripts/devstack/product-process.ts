// The product as production runs it: `npm run worker` and `npm run api` as
// processes of their own (each in its own process group, its output in a log
// file), for the tests of the production shape.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ProductProcess {
  name: string;
  child: ChildProcess;
  /** The last 20,000 characters of its output (stdout and stderr), for a test's assertions and failure messages. */
  output(): string;
  /** Sends `signal` to its process group (SIGKILL: a crash). */
  signal(signal: NodeJS.Signals): void;
  /** Its exit code once it has exited (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Asks it to stop (SIGTERM, or `signal`: finish what is in flight) and waits for its exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
}

const ENTRY = { worker: 'worker/main.ts', api: 'api/main.ts' } as const;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KEPT_OUTPUT = 20_000;

/**
 * Runs as `node --import tsx`, as `npm start` is, not through the tsx command: on a
 * signal that command waits 30 ms for its child to report it and otherwise kills
 * the child with SIGKILL and exits 130. Output goes to `logFile` when given.
 */
export function startProductProcess(name: string, part: keyof typeof ENTRY, env: Record<string, string>, logFile?: string): ProductProcess {
  const out = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY[part]], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let kept = '';
  const keep = (chunk: Buffer) => (kept = (kept + chunk.toString('utf8')).slice(-KEPT_OUTPUT));
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', keep);
    if (out) stream.pipe(out);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // Already gone.
    }
  };
  return {
    name,
    child,
    output: () => kept,
    signal,
    exited,
    async stop(graceMs = 30_000, first: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signal(first);
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      out?.end();
    },
  };
}

/** Resolves once the process has written `text` to its output (a readiness line), or fails when it exits first. */
export function outputSays(processed: ProductProcess, text: string, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${processed.name} did not say "${text}" within ${timeoutMs / 1000}s`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      if (seen.includes(text)) done(resolve);
    };
    const onExit = (code: number | null) => done(() => reject(new Error(`${processed.name} exited (${code}) before saying "${text}"`)));
    const done = (then: () => void) => {
      clearTimeout(timer);
      processed.child.stdout!.off('data', onData);
      processed.child.off('exit', onExit);
      then();
    };
    processed.child.stdout!.on('data', onData);
    processed.child.once('exit', onExit);
  });
}
