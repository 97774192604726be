// What arrives, as the triage rules see it: the same shape for a mail, a phone
// call, a portal form or an API request, so one rule reads the same everywhere.
import type { Channel } from '../../workflows/ticket-types';

export interface ArrivingInquiry {
  channel: Channel;
  /** Whom it is from, lower-case: a mail's From and Reply-To, or the customer an API request names. */
  senders: string[];
  /** Where a mail was sent, lower-case: To, Cc, Delivered-To, X-Original-To. Empty for phone and web. */
  recipients: string[];
  subject: string;
  body: string;
  attachments: { filename: string | null; contentType: string }[];
  /** The sender's account as the desk resolved it (ticket parties); null when none is known. */
  account: { id: string; name: string; plan?: string } | null;
  /** When it arrived (ms): the instant "outside business hours" is asked about. */
  arrivedAt: number;
}

/** The addresses in header values like `Yamada <yamada@example.jp>, b@example.jp`, lower-case. */
export function addressesIn(values: readonly string[]): string[] {
  return values.flatMap((value) => value.match(/[^\s<>,;:"()]+@[^\s<>,;:"()]+/g) ?? []).map((a) => a.toLowerCase());
}

/** The envelope's recipients a mail server writes into the mail (the address it was delivered to). */
export const DELIVERY_HEADERS = ['delivered-to', 'x-original-to'] as const;

/** Each address once, in the order first seen. */
export function distinct(addresses: readonly string[]): string[] {
  return [...new Set(addresses.map((a) => a.trim().toLowerCase()).filter((a) => a.includes('@')))];
}
