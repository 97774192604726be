import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import * as attributes from './search-attributes';
import type { TicketView } from './ticket-messages';

/** Keeps the Temporal UI's filters (TicketStatus, Owner, SlaStatus, ...) current. */
export function ticketSearchAttributes(ticket: TicketView, dueAt: { firstResponse?: string; resolution?: string } = {}): void {
  upsertSearchAttributes(searchAttributesOf(ticket, dueAt));
}

/**
 * The same, but only the attributes whose value differs from what the workflow holds now (its start's
 * and its upserts'), and no upsert at all when none does: each upsert is a command and an event.
 */
export function changedSearchAttributes(ticket: TicketView, dueAt: { firstResponse?: string; resolution?: string } = {}): void {
  const held = workflowInfo().typedSearchAttributes;
  const changed = searchAttributesOf(ticket, dueAt).filter(({ key, value }) => !sameValue(held.get(key), value));
  if (changed.length > 0) upsertSearchAttributes(changed);
}

function sameValue(held: unknown, value: unknown): boolean {
  if (held instanceof Date && value instanceof Date) return held.getTime() === value.getTime();
  return (held ?? null) === (value ?? null);
}

function searchAttributesOf(ticket: TicketView, dueAt: { firstResponse?: string; resolution?: string }): SearchAttributeUpdatePair[] {
  return [
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
  ];
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
