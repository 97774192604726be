import { describe, expect, it } from 'vitest';
import { reopenWindowOver } from '../../workflows/reopen-window';
import { decide, newTicketState } from '../../workflows/ticket-rules';
import type { TicketState } from '../../workflows/ticket-types';

const WINDOW = 14 * 24 * 3600_000;
const closedAt = '2027-01-08T01:00:00.000Z';
const closedMs = Date.parse(closedAt);

describe('the reopen window, one rule for the rules, the workflow, the API and the intake', () => {
  it('is open up to the last millisecond and over exactly at closedAt + window', () => {
    expect(reopenWindowOver(closedAt, closedMs + WINDOW - 1, WINDOW)).toBe(false);
    expect(reopenWindowOver(closedAt, closedMs + WINDOW, WINDOW)).toBe(true);
    expect(reopenWindowOver(closedAt, closedMs, WINDOW)).toBe(false);
  });

  it('counts a close without a (valid) time as old: a new ticket loses nothing', () => {
    expect(reopenWindowOver(undefined, closedMs, WINDOW)).toBe(true);
    expect(reopenWindowOver('not a time', closedMs, WINDOW)).toBe(true);
  });

  it('the ticket rules reopen until the boundary, and no longer at it', () => {
    const closed: TicketState = { ...newTicketState({ number: '2027010800001', subject: 's', customer: { email: 'c@example.jp' }, priority: 'P3', channel: 'email', createdAt: '2027-01-01T00:00:00.000Z' }), status: 'closed', closedAt };
    const followUp = { type: 'customerFollowUp', articleId: '1', channel: 'email' } as const;
    const before = decide(closed, followUp, new Date(closedMs + WINDOW - 1).toISOString(), { reopenWindowMs: WINDOW });
    const at = decide(closed, followUp, new Date(closedMs + WINDOW).toISOString(), { reopenWindowMs: WINDOW });
    expect(before).toMatchObject({ ok: true, note: 'reopened' });
    expect(at).toMatchObject({ ok: true, note: 'followUpAfterReopenWindow', state: { status: 'closed' } });
  });
});
