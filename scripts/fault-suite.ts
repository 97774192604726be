// `npm run faults`: the desk in its production shape on this machine
// (scripts/devstack/production-desk.ts), and each fault of scripts/faults/cases.ts done to
// it FAULT_TRIALS times (default 3) under load, one trial after another. Prints
// a table: fault, trials, tickets and mails in flight, lost, duplicated, late,
// and when the desk's metrics showed the fault (scripts/faults/fault-window.ts).
// Exits non-zero when anything was lost or done twice. FAULT_LOAD scales the
// load per trial (default 1: 6 lifecycles, 8 mails, 2 P1 tickets).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FAULT_CASES, runTrial, type FaultCase } from './faults/cases';
import { ProductionDesk } from './devstack/production-desk';
import { faultTable, type FaultRow } from './faults/table';
import { Workload, type Load } from './faults/workload';

export async function runFaultSuite(options: { trials: number; load: Load; cases?: FaultCase[]; log?: (line: string) => void }): Promise<FaultRow[]> {
  const log = options.log ?? console.log;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-faults-'));
  const desk = new ProductionDesk(dir);
  const rows: FaultRow[] = [];
  try {
    log('starting the desk: Temporal cluster, PostgreSQL, GreenMail, 2 workers, 2 APIs...');
    await desk.start();
    for (const fault of options.cases ?? FAULT_CASES) {
      const row: FaultRow = { fault: fault.name, trials: 0, inFlight: 0, lost: 0, duplicated: 0, late: 0, mailsReceivedTwice: 0, notes: [], seen: [] };
      for (let trial = 0; trial < options.trials; trial++) {
        const tag = randomBytes(3).toString('hex');
        const outcome = await runTrial(desk, new Workload(desk, tag), fault, options.load, tag);
        row.trials++;
        row.inFlight += outcome.inFlight;
        row.lost += outcome.lost;
        row.duplicated += outcome.duplicated;
        row.late += outcome.late;
        row.mailsReceivedTwice += outcome.mailsReceivedTwice;
        row.notes.push(...outcome.notes);
        row.seen.push(outcome.seen);
      }
      log(`${fault.name}: ${row.trials} trials, lost ${row.lost}, duplicated ${row.duplicated}, late ${row.late}`);
      rows.push(row);
    }
    return rows;
  } finally {
    await desk.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const scale = Number(process.env.FAULT_LOAD ?? 1);
  const rows = await runFaultSuite({
    trials: Number(process.env.FAULT_TRIALS ?? 3),
    load: { lifecycles: 6 * scale, mails: 8 * scale, escalations: 2 * scale },
  });
  console.log(`\n${faultTable(rows)}`);
  return rows.some((r) => r.lost || r.duplicated) ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`faults: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
