// CPU time used by each program on this machine (node, temporal, java,
// postgres...), read from /proc: what a bench's work cost each server, so a
// figure can say where the machine's two cores went.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

export type CpuUse = Map<string, number>;

/** CPU ms so far per program name, over the processes alive now (with what their ended children used). */
export function cpuUseNow(): CpuUse {
  const use: CpuUse = new Map();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14–17 of stat, 12–15 after the name.
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    use.set(name, (use.get(name) ?? 0) + ticks * TICK_MS);
  }
  return use;
}

/** What each program used between two readings, per unit of work (ms each), in the order `programs` names them. */
export function cpuPerUnit(before: CpuUse, after: CpuUse, units: number, programs: readonly string[]): string {
  const parts = programs.map((name) => [name, ((after.get(name) ?? 0) - (before.get(name) ?? 0)) / units] as const);
  const total = parts.reduce((sum, [, ms]) => sum + ms, 0);
  return `${parts.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')}; together ${total.toFixed(1)} ms of the ${os.cpus().length} cores`;
}
