import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A server that could not start, said in one line: what, why, and what to do. Never a stack trace. */
export class ServerStartError extends Error {}

/** Every server started here and not yet stopped, so that a hurried exit can still end them. */
const running = new Set<ChildProcess>();

/**
 * Starts a server process in its own process group (a terminal's Ctrl-C
 * reaches only us; we stop the servers last, in order), its output appended
 * to `logFile`, and gives a stop() that asks it to end (`stopSignal`) and
 * insists (SIGKILL) after `graceMs`.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  graceMs = 10_000,
  stopSignal: NodeJS.Signals = 'SIGTERM',
): RunningProcess {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  child.once('error', () => running.delete(child));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    signalGroup(child, stopSignal);
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    out.end();
  };
  return { name, child, stop };
}

/** Ends every server started here at once: for a second Ctrl-C or a crash, never the orderly stop. */
function killAllNow(): void {
  for (const child of running) signalGroup(child, 'SIGKILL');
  running.clear();
}
// Whatever way this process ends, it leaves no server of its own behind.
process.once('exit', killAllNow);

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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
