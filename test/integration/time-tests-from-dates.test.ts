// The time-skipping tests must pass whatever day it is. npm test runs them from
// today; this runs them again from the days that catch date assumptions out
// (year-end closure, Coming of Age Day, Golden Week, the new year), so CI proves
// it on every run. `npm run test:dates` does the same by hand, with a table.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

it('the time-skipping tests pass from each of the chosen start dates', async () => {
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['test/run-from-dates.ts', '--dates-only'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const table = output.slice(output.lastIndexOf('Time-skipping tests from each start instant:'));
  console.log(table);
  expect(table).toMatch(/all 4 start instants passed/);
  expect(code, table).toBe(0);
}, 15 * 60_000);
