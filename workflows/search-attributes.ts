import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// The custom search attributes a manager filters the Temporal UI by. The names
// are a contract: registered at dev-server start, in docker-compose.yml and in
// the README's `temporal operator search-attribute create` commands.
export const TicketNumber = defineSearchAttributeKey('TicketNumber', SearchAttributeType.KEYWORD);
export const TicketStatus = defineSearchAttributeKey('TicketStatus', SearchAttributeType.KEYWORD);
export const Priority = defineSearchAttributeKey('Priority', SearchAttributeType.KEYWORD);
export const Queue = defineSearchAttributeKey('Queue', SearchAttributeType.KEYWORD);
export const Owner = defineSearchAttributeKey('Owner', SearchAttributeType.KEYWORD);
export const SupportLevel = defineSearchAttributeKey('SupportLevel', SearchAttributeType.KEYWORD);
export const SlaStatus = defineSearchAttributeKey('SlaStatus', SearchAttributeType.KEYWORD);
export const CustomerEmail = defineSearchAttributeKey('CustomerEmail', SearchAttributeType.KEYWORD);
export const Channel = defineSearchAttributeKey('Channel', SearchAttributeType.KEYWORD);
/** Set once when the ticket opens (lib/open-ticket.ts), not by the workflow: a ticket's desk never changes. */
export const Desk = defineSearchAttributeKey('Desk', SearchAttributeType.KEYWORD);
export const FirstResponseDueAt = defineSearchAttributeKey('FirstResponseDueAt', SearchAttributeType.DATETIME);
export const ResolutionDueAt = defineSearchAttributeKey('ResolutionDueAt', SearchAttributeType.DATETIME);

export const TICKET_SEARCH_ATTRIBUTES = [
  TicketNumber,
  TicketStatus,
  Priority,
  Queue,
  Owner,
  SupportLevel,
  SlaStatus,
  CustomerEmail,
  Channel,
  Desk,
  FirstResponseDueAt,
  ResolutionDueAt,
];

/** The CLI's names for the types, as `--search-attribute Name=Type` takes them. */
export function cliTypeOf(type: string): string {
  return type === SearchAttributeType.DATETIME ? 'Datetime' : 'Keyword';
}
