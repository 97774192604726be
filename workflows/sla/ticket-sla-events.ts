// Which SLA clock events a ticket change means. Pure: the workflow feeds every
// accepted command through this and hands the result to applySlaEvent.
import type { SupportLevel, TicketCommand, TicketState } from '../ticket-types';
import type { SlaEvent } from './clocks';

export function slaEventsFor(command: TicketCommand, before: TicketState, after: TicketState, note?: string): SlaEvent[] {
  const events: SlaEvent[] = [];
  switch (command.type) {
    case 'acknowledge':
      events.push({ kind: 'responded', via: 'receiptNotice' });
      break;
    case 'sendAnswer':
      events.push({ kind: 'responded', via: 'answer' });
      break;
    case 'logPhoneCall':
      events.push(command.direction === 'outbound' ? { kind: 'responded', via: 'outboundCall' } : { kind: 'followUp' });
      break;
    case 'customerFollowUp':
      // A follow-up after the reopen window belongs to a new ticket: this one's clocks stay stopped.
      if (note !== 'followUpAfterReopenWindow') events.push({ kind: 'followUp' });
      break;
    case 'changePriority':
      events.push({ kind: 'priorityChanged', priority: command.priority });
      break;
  }
  const customerSpoke = events.some((e) => e.kind === 'followUp');
  if (after.status === 'waiting_customer' && before.status !== 'waiting_customer') events.push({ kind: 'waitingCustomer' });
  if (before.status === 'waiting_customer' && after.status !== 'waiting_customer' && after.status !== 'closed' && !customerSpoke) {
    events.push({ kind: 'waitingCustomerEnded' });
  }
  if (after.status === 'closed' && before.status !== 'closed') events.push({ kind: 'closed' });
  return events;
}

/** The level a missed deadline escalates to: one up, L3 at most. */
export function levelAfterBreach(level: SupportLevel): SupportLevel {
  return level === 'L1' ? 'L2' : 'L3';
}
