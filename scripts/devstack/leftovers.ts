// What a start killed with SIGKILL leaves behind: its servers, in their own
// process groups, still holding the ports and the data. The next start stops
// them (found by the pid they wrote down) instead of failing on a busy port.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid written in `file`, when that process still runs `expected` (a pid can be reused). */
export function leftoverFromPidFile(file: string, expected: RegExp): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !processIsAlive(pid)) return undefined;
  return expected.test(commandLineOf(pid)) ? pid : undefined;
}

export function writePidFile(file: string, pid: number | undefined): void {
  if (pid !== undefined) writeFileSync(file, `${pid}\n`);
}

export function removePidFile(file: string): void {
  rmSync(file, { force: true });
}

/** Asks the process (and its group) to end, insists after `graceMs`, and waits until it is gone. */
export async function stopLeftover(pid: number | undefined, what: string, graceMs = 30_000): Promise<void> {
  if (pid === undefined) return;
  console.warn(`stopping ${what} left running by a start that did not stop (pid ${pid})`);
  signal(pid, 'SIGINT');
  const deadline = Date.now() + graceMs;
  while (processIsAlive(pid)) {
    if (Date.now() > deadline) signal(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name);
  } catch {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  }
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
