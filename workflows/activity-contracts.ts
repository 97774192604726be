// What the ticket workflow and its activities must agree on, named once.
// Pure constants: the workflow sandbox imports this file, and so do activities.

/** How long one ticket activity attempt may run before Temporal retries it. */
export const TICKET_ACTIVITY_TIMEOUT_MS = 60_000;

/**
 * A mail row stays 'sending' this long before another attempt may take it over:
 * it must outlast an attempt (the timeout above), or two attempts could be in
 * the same SMTP transaction at once.
 */
export const MAIL_SENDING_LEASE_MS = 2 * TICKET_ACTIVITY_TIMEOUT_MS;

/** The failure type of a mail the server refused for good (5xx): not retried, recorded on the ticket. */
export const PERMANENT_MAIL_FAILURE = 'PermanentMailFailure';

/**
 * The failure type of an activity whose input no retry can fix (see worker/failure-kinds.ts):
 * not retried; the workflow records it on the ticket (or keeps the mail flagged) and goes on.
 */
export const DATA_FAILURE = 'DataFailure';

/** An error that is neither an outage nor a data error is retried this many times before it counts as one. */
export const UNKNOWN_FAILURE_ATTEMPTS = 6;
