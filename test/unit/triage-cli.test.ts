// `npx helpdesk triage test`: what the rules would do with a mail (decoded by
// the intake's own decoder) or a phone call, with no ticket opened and no
// server reached (the database and Temporal given here do not exist).
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHelpdeskCli } from '../support/cli';

const RULES = 'test/fixtures/triage/rules.json';
const OUTAGE = readFileSync('test/fixtures/triage/outage.eml');
const NOWHERE = { DATABASE_URL: 'postgres://nobody:none@127.0.0.1:1/none', TEMPORAL_ADDRESS: '127.0.0.1:1', TRIAGE_RULES_FILE: '' };

// Each run starts the CLI through tsx: seconds on a busy machine.
describe('npx helpdesk triage test', { timeout: 60_000 }, () => {
  it('says what each rule would do with an ISO-2022-JP mail and its attachment', async () => {
    const run = await runHelpdeskCli(['triage', 'test', '--rules', RULES, '--at', '2027-01-13T09:05:00+09:00'], NOWHERE, OUTAGE);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toContain('rule 2 "障害": priority P3 → P1, queue → incident, tags + outage');
    expect(lines).toContain('    because subject or body has "障害"');
    expect(lines).toContain('rule 3 "ログ添付": tags + has-logs');
    expect(lines).toContain('rule 5 "その他": queue not set to maintenance-support (rule 2 set it)');
    expect(lines.at(-1)).toBe('→ priority P1, queue incident, tags outage, has-logs');
  });

  it('takes a phone call from options, and TRIAGE_RULES_FILE when --rules is not given', async () => {
    const run = await runHelpdeskCli(['triage', 'test', '--channel', 'phone', '--subject', '請求書の再発行', '--body', '先月分をお願いします'], { ...NOWHERE, TRIAGE_RULES_FILE: RULES });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('rule 4 "電話": priority P3 → P2, queue → phone-desk');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('→ priority P2, queue phone-desk');
  });

  it('without rules, says so and the ticket stays P3 in no queue', async () => {
    const run = await runHelpdeskCli(['triage', 'test', '--channel', 'web', '--subject', 'hello'], NOWHERE);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('rules: none');
    expect(run.stdout).toContain('no rule matched');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('→ priority P3, queue (none)');
  });

  it('a bad rules file is refused naming the rule and the field', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'triage-cli-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ rules: [{ name: '至急', set: { priority: 'urgent' } }] }));
    const run = await runHelpdeskCli(['triage', 'test', '--rules', file, '--channel', 'phone', '--subject', 'x'], NOWHERE);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(`helpdesk: --rules ${file} is not valid: rule 1 "至急": set.priority: "urgent" is not a priority (P1, P2, P3, P4)`);
  });
});
