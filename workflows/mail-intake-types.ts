// What the mail intake's workflow, activities and callers say to each other.
// Types only: the workflow sandbox imports this file.

import type { Customer } from './ticket-types';

export type IntakeOutcome = 'ticket' | 'follow-up' | 'spam' | 'ignored';

export interface SpamVerdict {
  score: number;
  outcome: 'spam' | 'unsure' | 'ham';
  clues: { token: string; probability: number }[];
}

export interface MailIntakeInput {
  /** `mail-<hash>`: the message's identity for dedupe (see intake-key.ts). */
  intakeKey: string;
  rawMessageId: string;
  /** An agent took it out of Junk: not spam, whatever the filter says. */
  notSpam?: boolean;
}

/** What examineMail decided; the workflow carries it out. */
export type MailPlan =
  | { kind: 'spam'; spam: SpamVerdict }
  | { kind: 'ignored'; reason: string; number?: string; articleId?: string; spam?: SpamVerdict }
  | { kind: 'follow-up'; number: string; articleId: string; ticket: NewMailTicket; spam?: SpamVerdict }
  | { kind: 'new'; articleId: string; ticket: NewMailTicket; spam?: SpamVerdict };

/** What a new ticket from a mail starts with. */
export interface NewMailTicket {
  subject: string;
  customer: Customer;
  refersTo?: string;
  /** The filter was unsure: the ticket is flagged for an agent. */
  suspect?: { score: number };
}

export interface IntakeResult {
  outcome: IntakeOutcome;
  /** The ticket the mail created, followed up or (a bounce) was attached to. */
  number?: string;
  /** Why it was ignored, or how it was threaded. */
  reason?: string;
  articleId?: string;
  spam?: SpamVerdict;
}
