// TRIAGE_RULES_FILE is checked when the product starts: a bad file is refused
// in one line naming the rule (its place and name) and the field.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config';
import { loadSlaPolicy } from '../../lib/sla-policy';
import { loadTriageRules } from '../../lib/triage/rules-file';
import { parseTriageRules } from '../../lib/triage/rules-schema';

const policy = loadSlaPolicy();
const EXAMPLE = fileURLToPath(new URL('../../docs/triage-rules.example.json', import.meta.url));

function problemsOf(...rules: unknown[]): string[] {
  const parsed = parseTriageRules({ rules }, policy);
  return parsed.ok ? [] : parsed.problems;
}

const fine = { name: 'fine', when: { words: ['障害'] }, set: { priority: 'P1' } };

describe('the triage rules file', () => {
  it('the shipped example validates', () => {
    const rules = loadTriageRules(EXAMPLE, policy);
    expect(rules.length).toBeGreaterThan(5);
    expect(rules[1]).toMatchObject({ index: 2, name: '障害', set: { priority: 'P1', queue: 'incident' } });
  });

  it('unset: no rules', () => {
    expect(loadTriageRules(undefined, policy)).toEqual([]);
  });

  it('refuses a bad regular expression, naming the rule and the field', () => {
    expect(problemsOf(fine, { name: '障害', when: { subjectPatterns: ['ok', '(unclosed'] }, set: { priority: 'P1' } })).toEqual([
      expect.stringMatching(/^rule 2 "障害": when\.subjectPatterns\[1\]: "\(unclosed" is not a regular expression \(.+\)$/),
    ]);
  });

  it('refuses an unknown field, saying which fields there are', () => {
    expect(problemsOf({ name: 'typo', when: { subjectWord: ['障害'] }, set: { priority: 'P1' } })).toEqual([
      expect.stringMatching(/^rule 1 "typo": when\.subjectWord: unknown field \(known: from, fromDomain, .*subjectWords/),
    ]);
    expect(problemsOf(fine, { set: { priority: 'P1', owner: 'alice' } })).toEqual([expect.stringMatching(/^rule 2: set\.owner: unknown field \(known: queue, priority, account, tags\)$/)]);
    expect(problemsOf({ ...fine, stopp: true })).toEqual([expect.stringMatching(/^rule 1 "fine": stopp: unknown field/)]);
  });

  it('refuses a bad priority, naming the rule', () => {
    expect(problemsOf(fine, fine, { name: '至急', set: { priority: 'P0' } })).toEqual(['rule 3 "至急": set.priority: "P0" is not a priority (P1, P2, P3, P4)']);
  });

  it('refuses other mistakes each in its own words', () => {
    expect(problemsOf({ when: { channel: ['fax'] }, set: { queue: 'x' } })).toEqual(['rule 1: when.channel[0]: "fax" is not a channel (email, phone, web)']);
    expect(problemsOf({ when: { from: ['not-an-address'] }, set: { queue: 'x' } })).toEqual(['rule 1: when.from[0]: is not a mail address like someone@example.jp']);
    expect(problemsOf({ when: { attachmentTypes: ['pdf'] }, set: { queue: 'x' } })).toEqual(['rule 1: when.attachmentTypes[0]: is not a media type like application/pdf or image/*']);
    expect(problemsOf({ when: { words: [] }, set: { queue: 'x' } })).toEqual(['rule 1: when.words: must list at least one word']);
    expect(problemsOf({ when: { businessHours: 'night' }, set: { queue: 'x' } })).toEqual(['rule 1: when.businessHours: must be "inside" or "outside"']);
    expect(problemsOf({ when: { businessHours: 'outside', calendar: 'night' }, set: { queue: 'x' } })).toEqual(['rule 1: when.calendar: no calendar "night" in the SLA policy (it has business, always)']);
    expect(problemsOf({ when: { calendar: 'business' }, set: { queue: 'x' } })).toEqual(['rule 1: when.calendar: only goes with "businessHours"']);
    expect(problemsOf({ set: { account: 'acme' } })).toEqual(['rule 1: set.account: is not an account id (digits, as `npx helpdesk account list` shows)']);
    expect(problemsOf({ set: { queue: ' ' } })).toEqual(['rule 1: set.queue: must not be empty']);
    expect(problemsOf({ name: 'idle', when: { words: ['x'] } })).toEqual(['rule 1 "idle": does nothing: give it "set" (queue, priority, account, tags) or "stop": true']);
    expect(problemsOf({ name: 'only stop', when: { words: ['x'] }, stop: true })).toEqual([]);
    expect(parseTriageRules([], policy)).toEqual({ ok: false, problems: ['the file: must be an object like {"rules": [...]}'] });
  });

  it('a bad file stops the start in one line naming the file, the rule and the field', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'triage-rules-'));
    const file = path.join(dir, 'rules.json');
    writeFileSync(file, JSON.stringify({ rules: [fine, { name: '障害', when: { patterns: ['['] }, set: { priority: 'P9' } }] }));
    expect(() => loadTriageRules(file, policy)).toThrow(ConfigError);
    let message = '';
    try {
      loadTriageRules(file, policy);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('\n');
    expect(message).toMatch(new RegExp(`^TRIAGE_RULES_FILE ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid: rule 2 "障害": when\\.patterns\\[0\\]: .*; rule 2 "障害": set\\.priority: "P9" is not a priority`));
    writeFileSync(file, '{ "rules": [');
    expect(() => loadTriageRules(file, policy)).toThrow(/cannot be read as JSON/);
  });

  it('`npm run api` with a bad file does not start: one line, exit 1, before reaching any server', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'triage-start-'));
    const file = path.join(dir, 'rules.json');
    writeFileSync(file, JSON.stringify({ rules: [fine, { name: '添付', when: { attachmentExtension: ['exe'] }, set: { tags: ['exe'] } }] }));
    const started = spawnSync(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
      env: { ...process.env, TRIAGE_RULES_FILE: file, DATABASE_URL: 'postgres://nobody:none@127.0.0.1:1/none', TEMPORAL_ADDRESS: '127.0.0.1:1', PORT: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(started.status).toBe(1);
    expect(started.stderr.trim()).toBe(`could not start: TRIAGE_RULES_FILE ${file} is not valid: rule 2 "添付": when.attachmentExtension: unknown field (known: ${[
      'from', 'fromDomain', 'to', 'account', 'plan', 'subjectWords', 'subjectPatterns', 'bodyWords', 'bodyPatterns', 'words', 'patterns', 'attachmentTypes', 'attachmentExtensions', 'channel', 'businessHours', 'calendar',
    ].join(', ')})`);
  }, 60_000);
});
