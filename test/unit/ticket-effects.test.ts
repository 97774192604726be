import { describe, expect, it } from 'vitest';
import { staffAddress } from '../../activities/outbound-mail/notices';
import { loadSlaPolicy } from '../../lib/sla-policy';
import { effectsOfCommand, isMailEffect, reactToAlarm, SLA_CLOCK, type Effect } from '../../workflows/ticket-effects';
import { newTicketState } from '../../workflows/ticket-rules';
import type { TicketState } from '../../workflows/ticket-types';

const policy = loadSlaPolicy();
const ticket: TicketState = {
  ...newTicketState({ number: '2026112100001', subject: 's', customer: { email: 'c@example.jp' }, channel: 'email', priority: 'P3', createdAt: '2026-11-20T00:00:00.000Z' }),
  status: 'in_progress',
  owner: 'alice',
  queue: 'maintenance-support',
};
const at = '2026-11-20T03:00:00.000Z';
const dueMs = Date.parse('2026-11-20T02:59:00.000Z');
/** The order of tickets from before patch `sla-records-local`: these cases check the reactions themselves. */
const before = { slaRecordsFirst: false };

describe('reactToAlarm', () => {
  it('a warning records the line and the SLA event and tells the owner, without escalating', () => {
    const reaction = reactToAlarm({ atMs: dueMs, clock: 'firstResponse', kind: 'warning' }, ticket, policy, at, before);
    expect(reaction.escalation).toBeUndefined();
    expect(reaction.before.map((e) => e.kind)).toEqual(['event', 'slaEvent', 'notice']);
    expect(reaction.before[2]).toMatchObject({ notice: { kind: 'sla_warning', to: 'user:alice', clock: 'firstResponse' } });
  });

  it('a warning on a ticket nobody owns goes to its queue', () => {
    const reaction = reactToAlarm({ atMs: dueMs, clock: 'firstResponse', kind: 'warning' }, { ...ticket, owner: null }, policy, at, before);
    expect(reaction.before[2]).toMatchObject({ notice: { to: 'queue:maintenance-support' } });
  });

  it('a breach at L1 escalates to L2 as the SLA clock and then tells L2', () => {
    const reaction = reactToAlarm({ atMs: dueMs, clock: 'update', kind: 'breach' }, ticket, policy, at, before);
    expect(reaction.before).toEqual([
      { kind: 'slaEvent', event: { clock: 'update', kind: 'breach', deadline: '2026-11-20T02:59:00.000Z', actualAt: at, levelFrom: 'L1', levelTo: 'L2' } },
    ]);
    expect(reaction.escalation).toMatchObject({ type: 'escalate', actor: SLA_CLOCK, level: 'L2' });
    expect(reaction.after).toEqual([
      { kind: 'notice', notice: expect.objectContaining({ kind: 'escalation', to: policy.escalation.L2.notify, level: 'L2' }) },
    ]);
  });

  it('a breach at L3 cannot escalate further, but L3 still hears of it', () => {
    const reaction = reactToAlarm({ atMs: dueMs, clock: 'resolution', kind: 'breach' }, { ...ticket, supportLevel: 'L3' }, policy, at, before);
    expect(reaction.escalation).toBeUndefined();
    expect(reaction.before.map((e) => e.kind)).toEqual(['slaEvent', 'notice']);
    expect(reaction.before[1]).toMatchObject({ notice: { kind: 'sla_breach', to: policy.escalation.L3.notify } });
  });
});

describe('reactToAlarm under patch sla-records-local', () => {
  it("puts a warning's SLA record first, then its history line and the notice", () => {
    const reaction = reactToAlarm({ atMs: dueMs, clock: 'firstResponse', kind: 'warning' }, ticket, policy, at, { slaRecordsFirst: true });
    expect(reaction.before.map((e) => e.kind)).toEqual(['slaEvent', 'event', 'notice']);
    expect(reaction.before[0]).toMatchObject({ event: { clock: 'firstResponse', kind: 'warning', deadline: '2026-11-20T02:59:00.000Z', actualAt: at } });
  });

  it('changes nothing but the order: the same effects, and the same escalation and notices after it', () => {
    for (const alarm of [
      { atMs: dueMs, clock: 'firstResponse', kind: 'warning' },
      { atMs: dueMs, clock: 'update', kind: 'breach' },
      { atMs: dueMs, clock: 'resolution', kind: 'breach' },
    ] as const) {
      for (const t of [ticket, { ...ticket, supportLevel: 'L3' as const }]) {
        const first = reactToAlarm(alarm, t, policy, at, { slaRecordsFirst: true });
        const old = reactToAlarm(alarm, t, policy, at, before);
        const kinds = first.before.map((e) => e.kind);
        expect(kinds.slice(0, kinds.filter((k) => k === 'slaEvent').length).every((k) => k === 'slaEvent')).toBe(true);
        expect([...first.before].sort(byKind)).toEqual([...old.before].sort(byKind));
        expect(first.escalation).toEqual(old.escalation);
        expect(first.after).toEqual(old.after);
      }
    }
  });
});

const byKind = (a: Effect, b: Effect) => a.kind.localeCompare(b.kind);

describe('staffAddress', () => {
  it('names become addresses at the support domain; addresses stay as they are', () => {
    expect(staffAddress('user:alice', 'support@desk.example.jp')).toBe('alice@desk.example.jp');
    expect(staffAddress('queue:maintenance-support', 'support@desk.example.jp')).toBe('maintenance-support@desk.example.jp');
    expect(staffAddress('user:bob@partner.example', 'support@desk.example.jp')).toBe('bob@partner.example');
    expect(staffAddress('l2@support.example', 'support@desk.example.jp')).toBe('l2@support.example');
  });
});

describe('effectsOfCommand', () => {
  const alice = { user: 'alice', role: 'agent' as const, level: 'L1' as const };
  const line = { kind: 'x', detail: {} };

  it('always records the history line first', () => {
    expect(effectsOfCommand({ type: 'assignQueue', actor: alice, queue: 'q' }, line)).toEqual([{ kind: 'event', event: line }]);
  });

  it('a receipt notice is mailed after acknowledging, by its sender', () => {
    expect(effectsOfCommand({ type: 'acknowledge', actor: alice }, line)).toEqual([{ kind: 'event', event: line }, { kind: 'receiptNotice', author: 'alice' }]);
  });

  it('the approved memo is mailed as the answer', () => {
    expect(effectsOfCommand({ type: 'sendAnswer', actor: alice, memoId: '7' }, line).slice(1)).toEqual([{ kind: 'answer', author: 'alice', memoId: '7' }]);
  });

  it('marking spam trains the filter; closing mails nothing', () => {
    expect(effectsOfCommand({ type: 'markSpam', actor: alice }, line).slice(1)).toEqual([{ kind: 'trainSpam' }]);
    expect(effectsOfCommand({ type: 'close', actor: alice, resolution: 'r' }, line).slice(1)).toEqual([]);
  });
});

describe('isMailEffect', () => {
  it('is true for what composes and sends mail, false for the records', () => {
    const mail: Effect[] = [
      { kind: 'receiptNotice', author: 'alice' },
      { kind: 'answer', author: 'alice', memoId: '1' },
      { kind: 'notice', notice: { kind: 'sla_breach', to: 'l2@desk.test' } },
    ];
    const records: Effect[] = [
      { kind: 'event', event: { kind: 'close', detail: {} } },
      { kind: 'articleRefused', articleId: '1', reason: 'x' },
      { kind: 'slaEvent', event: { clock: 'firstResponse', kind: 'breach', actualAt: '2026-12-02T00:00:00Z' } },
      { kind: 'trainSpam' },
    ];
    expect(mail.map(isMailEffect)).toEqual([true, true, true]);
    expect(records.map(isMailEffect)).toEqual([false, false, false, false]);
  });
});
