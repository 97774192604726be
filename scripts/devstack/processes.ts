import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a server process in its own process group, its output appended to
 * `logFile`, and gives a stop() that asks it to end (SIGTERM) and insists
 * (SIGKILL) after `graceMs`.
 */
export function startProcess(name: string, command: string, args: string[], logFile: string, graceMs = 10_000): RunningProcess {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    out.end();
  };
  return { name, child, stop };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

/** Polls `probe` until it resolves, failing with the last error after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<unknown>, timeoutMs: number, onWait?: (e: unknown) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let told = false;
  while (Date.now() < deadline) {
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
      if (!told && onWait) onWait(error);
      told = true;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${what} did not answer within ${Math.round(timeoutMs / 1000)}s: ${describe(lastError)}`);
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
