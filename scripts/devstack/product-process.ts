// The product as production runs it: `npm run worker` and `npm run api` as
// processes of their own (each in its own process group, its output in a log
// file), for the tests of the production shape.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface ProductProcess {
  name: string;
  child: ChildProcess;
  /** Asks it to stop (SIGTERM: finish what is in flight) and waits for its exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const ENTRY = { worker: 'worker/main.ts', api: 'api/main.ts' } as const;

export function startProductProcess(name: string, part: keyof typeof ENTRY, env: Record<string, string>, logFile: string): ProductProcess {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY[part]], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
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
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      out.end();
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
