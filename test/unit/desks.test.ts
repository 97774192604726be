// The desks file and the desk rules: each problem of a file named by its
// field, the one desk of an installation without a file, routing a mail by
// its recipients, and a contract's SLA targets over a desk's policy.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deskRecipientsOf } from '../../activities/intake/mail-desk';
import { signed } from '../../activities/signed-answer';
import { loadConfig } from '../../lib/config';
import { policyUnderContract, slaOverrideProblems } from '../../lib/desks/contract-sla';
import { loadDesks } from '../../lib/desks/desks-file';
import { DEFAULT_SLA_POLICY_FILE, loadSlaPolicy } from '../../lib/sla-policy';

const policy = loadSlaPolicy();

function desksFrom(json: unknown, files: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'desks-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  writeFileSync(path.join(dir, 'desks.json'), typeof json === 'string' ? json : JSON.stringify(json));
  return loadDesks(loadConfig({ DESKS_FILE: path.join(dir, 'desks.json'), SUPPORT_ADDRESS: 'support@single.test' }), policy);
}

const two = {
  desks: [
    { id: 'oss', name: 'OSS保守サポート', addresses: ['Support@OSS.example'], mailingList: 'team@oss.example', default: true },
    { id: 'web', name: 'Web', addresses: ['help@web.example', 'web@web.example'] },
  ],
};

describe('the desks file', () => {
  it('without DESKS_FILE: one default desk from SUPPORT_ADDRESS and MAILING_LIST_ADDRESS, under the installation policy', () => {
    const desks = loadDesks(loadConfig({ SUPPORT_ADDRESS: 'support@single.test', MAILING_LIST_ADDRESS: 'list@single.test' }), policy);
    expect(desks.all).toHaveLength(1);
    expect(desks.default).toMatchObject({ addresses: ['support@single.test'], mailingList: 'list@single.test', isDefault: true });
    expect(desks.policyOf(desks.default)).toBe(policy);
    expect(desks.of(undefined)).toBe(desks.default);
  });

  it('reads two desks, lower-cases addresses, and routes by the first recipient that is a desk', () => {
    const desks = desksFrom(two);
    expect(desks.default.id).toBe('oss');
    expect(desks.default.addresses).toEqual(['support@oss.example']);
    expect(desks.forRecipients(['someone@else.example', 'WEB@web.example', 'support@oss.example']).id).toBe('web');
    expect(desks.forRecipients(['nobody@else.example']).id).toBe('oss');
    // A ticket of a desk since removed from the file is the default desk's.
    expect(desks.of('gone').id).toBe('oss');
    expect(desks.named('gone')).toBeUndefined();
  });

  it("a desk's slaPolicyFile is read relative to the file and checked, naming the desk", () => {
    const own = { ...policyFile(), warnAt: 0.5 };
    const desks = desksFrom({ desks: [two.desks[0], { ...two.desks[1], slaPolicyFile: 'web.json' }] }, { 'web.json': JSON.stringify(own) });
    expect(desks.policyOf(desks.named('web')!).warnAt).toBe(0.5);
    expect(() => desksFrom({ desks: [two.desks[0], { ...two.desks[1], slaPolicyFile: 'web.json' }] }, { 'web.json': '{"warnAt": 2}' })).toThrow(/desks\[1\]\.slaPolicyFile .*is not a valid policy/s);
  });

  it('names every problem by its field', () => {
    const problems = (json: unknown) => {
      try {
        desksFrom(json);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(problems('{')).toMatch(/cannot be read as JSON/);
    expect(problems({ desks: [] })).toMatch(/desks: must list at least one desk/);
    expect(problems({ desks: [two.desks[0], { ...two.desks[1], default: true }] })).toMatch(/exactly one desk must have "default": true \(2 have\)/);
    expect(problems({ desks: [two.desks[0], { ...two.desks[1], addresses: ['support@oss.example'] }] })).toMatch(/desks\[1\]\.addresses\[0\]: support@oss\.example is already desk "oss"'s address/);
    expect(problems({ desks: [two.desks[0], { ...two.desks[1], id: 'oss' }] })).toMatch(/desks\[1\]\.id: "oss" is the id of an earlier desk/);
    expect(problems({ desks: [{ ...two.desks[0], id: 'OSS Desk' }] })).toMatch(/desks\[0\]\.id: must be lower-case/);
    expect(problems({ desks: [{ ...two.desks[0], addresses: ['not an address'] }] })).toMatch(/desks\[0\]\.addresses\[0\]: "not an address" is not a mail address/);
    expect(problems({ desks: [{ ...two.desks[0], sender: 'x' }] })).toMatch(/desks\[0\]: unknown field "sender"/);
    expect(problems({ desks: [{ ...two.desks[0], senderName: 'a\nb' }] })).toMatch(/desks\[0\]\.senderName: must be one line/);
  });

  it('a file of one desk makes it the default without saying so', () => {
    expect(desksFrom({ desks: [two.desks[1]] }).default.id).toBe('web');
  });
});

describe('which desk a mail is for', () => {
  it('To, then Cc, then Delivered-To and X-Original-To', () => {
    expect(
      deskRecipientsOf({ to_addresses: ['a@x.example'], cc_addresses: ['b@x.example'], headers: { 'Delivered-To': ['c@x.example'], 'x-original-to': 'Desk <d@x.example>' } }),
    ).toEqual(['a@x.example', 'b@x.example', 'c@x.example', 'd@x.example']);
    expect(deskRecipientsOf({ to_addresses: null, cc_addresses: null, headers: null })).toEqual([]);
  });
});

describe('a signed answer', () => {
  it("ends with the desk's signature after the usual `-- ` line; a desk without one leaves the answer as written", () => {
    const desks = desksFrom({ desks: [{ ...two.desks[0], signature: 'OSS保守サポート窓口\n' }] });
    expect(signed('本文です。\n\n', desks.default)).toBe('本文です。\n\n-- \nOSS保守サポート窓口\n');
    expect(signed('本文です。', desksFrom(two).default)).toBe('本文です。');
  });
});

describe("a contract's SLA targets", () => {
  it('replace the named targets of the desk and keep its calendars', () => {
    const premium = policyUnderContract(policy, { P1: { firstResponse: '30m' }, P3: { resolution: '12h' } });
    expect(premium.priorities.P1).toEqual({ ...policy.priorities.P1, firstResponseMs: 30 * 60_000 });
    expect(premium.priorities.P3).toEqual({ ...policy.priorities.P3, resolutionMs: 12 * 3_600_000 });
    expect(premium.priorities.P2).toBe(policy.priorities.P2);
    expect(premium.calendars).toBe(policy.calendars);
    expect(policyUnderContract(policy, undefined)).toBe(policy);
    expect(policyUnderContract(policy, {})).toBe(policy);
  });

  it('are refused when they are not targets, naming the field', () => {
    expect(slaOverrideProblems({ P1: { firstResponse: '1h' } })).toEqual([]);
    expect(slaOverrideProblems([])).toEqual(['slaOverrides must be an object like {"P1": {"firstResponse": "1h"}}']);
    expect(slaOverrideProblems({ P9: {} })).toEqual(['slaOverrides.P9: not a priority (P1, P2, P3, P4)']);
    expect(slaOverrideProblems({ P1: { reply: '1h' } })).toEqual(['slaOverrides.P1.reply: not a target (firstResponse, update, resolution)']);
    expect(slaOverrideProblems({ P1: { firstResponse: 60 } })).toEqual(['slaOverrides.P1.firstResponse must be a duration like "1h"']);
    expect(slaOverrideProblems({ P1: { firstResponse: '2d' } })[0]).toMatch(/^slaOverrides\.P1\.firstResponse: "2d" uses days/);
    // Unusable overrides never reach a ticket: the desk's policy stands.
    expect(policyUnderContract(policy, { P1: { firstResponse: '2d' } })).toBe(policy);
  });
});

/** The shipped policy as a file's JSON. */
function policyFile() {
  return JSON.parse(readFileSync(DEFAULT_SLA_POLICY_FILE, 'utf8'));
}
