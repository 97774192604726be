// Runs the time-skipping test files from several start instants in turn (TEST_START_AT, see
// test/support/time-skipping.ts), so a test that assumes something about today's date fails here
// instead of on the day the calendar catches it out. `npm run test:dates`, or with instants of
// your own: `npm run test:dates -- 2027-05-03T10:00:00+09:00 now`. Exits non-zero if any run fails.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `now` runs without TEST_START_AT (the day it runs); the others are the next occurrence of days
 * chosen for what they cover, so the list never runs out as the years pass.
 */
const DEFAULT_STARTS = [
  'now',
  nextOccurrence('12-28'), // the last working day before the year-end closure (closedDates 12-29 … 01-03)
  nextOccurrence('01-08'), // just before Coming of Age Day (the second Monday of January)
  nextOccurrence('04-28'), // Golden Week: 04-29, 05-03 … 05-05
  nextOccurrence('12-30'), // the year's last days, across the new year
];

/** The next `MM-DD` at 10:00 in Tokyo that is still ahead. */
function nextOccurrence(monthDay: string): string {
  const year = new Date().getUTCFullYear();
  for (const y of [year, year + 1]) {
    const at = `${y}-${monthDay}T10:00:00+09:00`;
    if (Date.parse(at) > Date.now() + 60_000) return at;
  }
  throw new Error(`no next ${monthDay}`);
}

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const integrationDir = path.join(root, 'test', 'integration');

/** Every integration file that starts a time-skipping server through the helper that honours TEST_START_AT. */
function timeSkippingFiles(): string[] {
  const files: string[] = [];
  const bypassing: string[] = [];
  for (const name of readdirSync(integrationDir).filter((n) => n.endsWith('.test.ts')).sort()) {
    const source = readFileSync(path.join(integrationDir, name), 'utf8');
    if (/\bcreateTimeSkipping\s*\(/.test(source)) bypassing.push(name);
    else if (/\b(startTimeSkippingDesk|createTimeSkippingEnvironment)\s*\(/.test(source)) files.push(path.join('test', 'integration', name));
  }
  if (bypassing.length) {
    throw new Error(`${bypassing.join(', ')} start a time-skipping server with TestWorkflowEnvironment.createTimeSkipping, which ignores TEST_START_AT: use createTimeSkippingEnvironment() or startTimeSkippingDesk() from test/support/time-skipping.ts`);
  }
  return files;
}

interface Outcome {
  start: string;
  result: 'passed' | 'FAILED' | 'not run (in the past)';
  seconds?: number;
  summary?: string;
}

async function runFrom(start: string, files: string[]): Promise<Outcome> {
  const env = { ...process.env };
  delete env.TEST_START_AT;
  delete env.HELPDESK_CANARY; // would swap the integration files for the canary
  if (start !== 'now') env.TEST_START_AT = start;
  console.log(`\n=== ${start === 'now' ? 'from now (no TEST_START_AT)' : `TEST_START_AT=${start}`}: ${files.join(' ')}\n`);
  const began = Date.now();
  const child = spawn(path.join(root, 'node_modules', '.bin', 'vitest'), ['run', '--project', 'integration', ...files], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    output += chunk.toString('utf8');
  });
  const status = await new Promise<number | string>((resolve) => {
    child.on('error', (error) => resolve(String(error)));
    child.on('close', (code, signal) => resolve(code ?? String(signal)));
  });
  const seconds = (Date.now() - began) / 1000;
  // The summary reporter's last line: "N passed, N failed, N skipped".
  const summary = output.match(/^\d+ passed, \d+ failed, \d+ skipped$/m)?.[0] ?? `exit ${status}`;
  return { start, result: status === 0 ? 'passed' : 'FAILED', seconds, summary };
}

async function main(): Promise<number> {
  // `--dates-only`: the fixed days without `now`, for a caller that has just run the suite from now (npm test).
  const datesOnly = process.argv.includes('--dates-only');
  const explicit = process.argv.slice(2).filter((a) => a !== '--dates-only');
  const starts = explicit.length ? explicit : DEFAULT_STARTS.filter((s) => !datesOnly || s !== 'now');
  const files = timeSkippingFiles();
  const outcomes: Outcome[] = [];
  for (const start of starts) {
    const ms = start === 'now' ? Date.now() : Date.parse(start);
    // The test server starts at the current time and only goes forward. A default instant that has
    // passed is reported, not run; one given on the command line runs, and fails saying why.
    if (!explicit.length && ms < Date.now()) {
      outcomes.push({ start, result: 'not run (in the past)' });
      continue;
    }
    outcomes.push(await runFrom(start, files));
  }
  console.log('\nTime-skipping tests from each start instant:');
  for (const o of outcomes) {
    console.log(`  ${o.start.padEnd(26)} ${o.result.padEnd(22)} ${o.seconds === undefined ? '' : `${o.seconds.toFixed(1)} s`.padStart(8)}  ${o.summary ?? ''}`);
  }
  const failed = outcomes.filter((o) => o.result === 'FAILED').length;
  console.log(failed ? `${failed} of ${outcomes.length} start instants failed` : `all ${outcomes.filter((o) => o.result === 'passed').length} start instants passed`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
