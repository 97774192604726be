import { describe, expect, it } from 'vitest';
import { levelAfterBreach, slaEventsFor } from '../../workflows/sla/ticket-sla-events';
import { newTicketState } from '../../workflows/ticket-rules';
import type { TicketCommand, TicketState, TicketStatus } from '../../workflows/ticket-types';

const actor = { user: 'alice', role: 'agent' as const, level: 'L1' as const };
const base = newTicketState({
  number: '2026112100001',
  subject: 's',
  customer: { email: 'c@example.jp' },
  channel: 'email',
  priority: 'P3',
  createdAt: '2026-11-20T08:00:00.000Z',
});
const inStatus = (status: TicketStatus): TicketState => ({ ...base, status, owner: 'alice' });

describe('slaEventsFor', () => {
  it('a receipt notice and an answer are responses; the answer also starts the wait on the customer', () => {
    expect(slaEventsFor({ type: 'acknowledge', actor }, inStatus('open'), inStatus('in_progress'))).toEqual([
      { kind: 'responded', via: 'receiptNotice' },
    ]);
    expect(slaEventsFor({ type: 'sendAnswer', actor, memoId: '1' }, inStatus('approved'), inStatus('waiting_customer'))).toEqual([
      { kind: 'responded', via: 'answer' },
      { kind: 'waitingCustomer' },
    ]);
  });

  it('an outbound call responds; an inbound call is the customer speaking', () => {
    const call = (direction: 'inbound' | 'outbound'): TicketCommand => ({ type: 'logPhoneCall', actor, direction, articleId: '9' });
    expect(slaEventsFor(call('outbound'), inStatus('in_progress'), inStatus('in_progress'))).toEqual([{ kind: 'responded', via: 'outboundCall' }]);
    expect(slaEventsFor(call('inbound'), inStatus('waiting_customer'), inStatus('in_progress'))).toEqual([{ kind: 'followUp' }]);
  });

  it('a follow-up after the reopen window leaves this ticket’s clocks alone', () => {
    const followUp: TicketCommand = { type: 'customerFollowUp', articleId: '3', channel: 'email' };
    expect(slaEventsFor(followUp, inStatus('closed'), inStatus('closed'), 'followUpAfterReopenWindow')).toEqual([]);
    expect(slaEventsFor(followUp, inStatus('closed'), inStatus('in_progress'), 'reopened')).toEqual([{ kind: 'followUp' }]);
  });

  it('closing stops the clocks, and leaving the wait without the customer resumes resolution', () => {
    expect(slaEventsFor({ type: 'close', actor, resolution: 'done' }, inStatus('waiting_customer'), inStatus('closed'))).toEqual([{ kind: 'closed' }]);
    expect(slaEventsFor({ type: 'reassign', actor, owner: 'bob' }, inStatus('waiting_customer'), inStatus('in_progress'))).toEqual([
      { kind: 'waitingCustomerEnded' },
    ]);
  });

  it('a priority change re-plans the clocks', () => {
    expect(slaEventsFor({ type: 'changePriority', actor, priority: 'P1' }, inStatus('in_progress'), inStatus('in_progress'))).toEqual([
      { kind: 'priorityChanged', priority: 'P1' },
    ]);
  });
});

describe('levelAfterBreach', () => {
  it('goes one level up and stops at L3', () => {
    expect(levelAfterBreach('L1')).toBe('L2');
    expect(levelAfterBreach('L2')).toBe('L3');
    expect(levelAfterBreach('L3')).toBe('L3');
  });
});
