import { upsertSearchAttributes } from '@temporalio/workflow';
import * as attributes from './search-attributes';
import type { TicketView } from './ticket-messages';

/** Keeps the Temporal UI's filters (TicketStatus, Owner, SlaStatus, ...) current. */
export function ticketSearchAttributes(ticket: TicketView, dueAt: { firstResponse?: string; resolution?: string } = {}): void {
  upsertSearchAttributes([
    { key: attributes.TicketNumber, value: ticket.number },
    { key: attributes.TicketStatus, value: ticket.status },
    { key: attributes.Priority, value: ticket.priority },
    { key: attributes.Queue, value: ticket.queue },
    { key: attributes.Owner, value: ticket.owner },
    { key: attributes.SupportLevel, value: ticket.supportLevel },
    { key: attributes.SlaStatus, value: ticket.slaStatus },
    { key: attributes.CustomerEmail, value: ticket.customer.email },
    { key: attributes.Channel, value: ticket.channel },
    { key: attributes.FirstResponseDueAt, value: dueAt.firstResponse ? new Date(dueAt.firstResponse) : null },
    { key: attributes.ResolutionDueAt, value: dueAt.resolution ? new Date(dueAt.resolution) : null },
  ]);
}

/** The ticket in words, for the workflow's page in the Temporal UI. */
export function describeTicket(ticket: TicketView): string {
  const owner = ticket.owner ? `owner ${ticket.owner}` : 'no owner yet';
  const queue = ticket.queue ? `queue ${ticket.queue}` : 'no queue yet';
  const lines = [
    `**Ticket ${ticket.number}**: ${ticket.subject}`,
    `Status **${ticket.status}**, ${owner}, ${queue}; ${ticket.priority}, support level ${ticket.supportLevel}; SLA ${ticket.slaStatus}.`,
    `Customer ${ticket.customer.name ? `${ticket.customer.name} <${ticket.customer.email}>` : ticket.customer.email}, via ${ticket.channel}.`,
  ];
  if (ticket.resolution) lines.push(`Resolution: ${ticket.resolution}`);
  return lines.join('\n\n');
}
