import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config';
import { DEFAULT_SLA_POLICY_FILE, loadSlaPolicy } from '../../lib/sla-policy';

describe('SLA_POLICY_FILE', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sla-policy-'));

  it('the shipped default loads: business hours in Tokyo, P1 always open', () => {
    const policy = loadSlaPolicy();
    expect(policy.calendars.business.timezone).toBe('Asia/Tokyo');
    expect(policy.priorities.P1.calendar).toBe('always');
    expect(policy.priorities.P3.resolutionMs).toBe(24 * 3_600_000);
  });

  it('a policy that does not validate stops the start with the fields named', () => {
    const file = path.join(dir, 'bad.json');
    const bad = JSON.parse(readFileSync(DEFAULT_SLA_POLICY_FILE, 'utf8'));
    bad.priorities.P2.update = '2x';
    bad.priorities.P4.calendar = 'office';
    writeFileSync(file, JSON.stringify(bad));
    expect(() => loadSlaPolicy(file)).toThrow(ConfigError);
    expect(() => loadSlaPolicy(file)).toThrow(/priorities\.P2\.update[\s\S]*priorities\.P4\.calendar/);
  });

  it('a file that is not JSON says so', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ "calendars": ');
    expect(() => loadSlaPolicy(file)).toThrow(/cannot be read as JSON/);
  });
});
