// The fault suite (`npm run faults`, scripts/fault-suite.ts) in its short form:
// one trial of each fault on the production-shaped desk, with a small load.
// Nothing may be lost or done twice; the table is printed for the record.
import { describe, expect, it } from 'vitest';
import { runFaultSuite } from '../../scripts/fault-suite';
import { ensureTemporalServer } from '../../scripts/devstack/temporal-server-build';
import { faultTable } from '../../scripts/faults/table';

describe('the fault suite, one trial of each fault', () => {
  it('loses nothing and does nothing twice', async () => {
    await ensureTemporalServer();
    const rows = await runFaultSuite({ trials: 1, load: { lifecycles: 3, mails: 4, escalations: 1 }, log: () => {} });
    console.log(`fault suite (one trial each):\n${faultTable(rows)}`);
    expect(rows.map((r) => ({ fault: r.fault, lost: r.lost, duplicated: r.duplicated }))).toEqual(rows.map((r) => ({ fault: r.fault, lost: 0, duplicated: 0 })));
  }, 40 * 60_000);
});
