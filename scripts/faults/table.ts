// The fault suite's table, in Markdown so that it pastes into the README as it is.
import type { FaultWindow } from './fault-window';
import type { Outcome } from './workload';

/** One fault's trials, summed (in flight: this trial's tickets not yet closed and mails not yet decided when the fault came). */
export interface FaultRow extends Outcome {
  fault: string;
  trials: number;
  /** Per trial, when the metrics showed the fault (seconds after it began). */
  seen: FaultWindow[];
}

const seenWindow = ({ from, to }: FaultWindow) => (from === null ? 'not seen' : `${from.toFixed(1)}–${to!.toFixed(1)} s`);

export function faultTable(rows: FaultRow[]): string {
  const lines = [
    '| fault | trials | in flight | lost | duplicated | late | customer mails twice | seen in the metrics |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.fault} | ${r.trials} | ${r.inFlight} | ${r.lost} | ${r.duplicated} | ${r.late} | ${r.mailsReceivedTwice} | ${r.seen.map(seenWindow).join(', ')} |`),
  ];
  const notes = rows.flatMap((r) => r.notes.map((n) => `- ${r.fault}: ${n}`));
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}
