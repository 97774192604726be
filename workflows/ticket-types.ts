// The support desk's vocabulary, shared by the workflow, the activities and the API.
// Pure types and constants only: this file is bundled into the workflow sandbox.

export const TICKET_STATUSES = [
  'new',
  'open',
  'in_progress',
  'in_review',
  'approved',
  'waiting_customer',
  'closed',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const SUPPORT_LEVELS = ['L1', 'L2', 'L3'] as const;
export type SupportLevel = (typeof SUPPORT_LEVELS)[number];

export const CHANNELS = ['email', 'phone', 'web'] as const;
export type Channel = (typeof CHANNELS)[number];

export const SLA_STATUSES = ['on_track', 'warning', 'breached', 'paused', 'met'] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];

export const ROLES = ['agent', 'reviewer', 'manager', 'integrator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The maintenance-support queue of the reference desk. */
export const DEFAULT_QUEUE = 'maintenance-support';

/** Who does something: always taken from the API token, never from a request body. */
export interface Actor {
  user: string;
  role: Role;
  level?: SupportLevel;
}

export type MemoStatus = 'draft' | 'in_review' | 'approved' | 'rejected' | 'sent';

/** A draft answer. Its text lives in PostgreSQL as article `articleId`; `id` is that article's id. */
export interface Memo {
  id: string;
  author: string;
  status: MemoStatus;
  createdAt: string;
  reviewer?: string;
  reviewComment?: string;
  reviewedAt?: string;
  sentAt?: string;
}

export interface Customer {
  email: string;
  name?: string;
}

export interface TicketState {
  number: string;
  status: TicketStatus;
  queue: string | null;
  owner: string | null;
  priority: Priority;
  supportLevel: SupportLevel;
  channel: Channel;
  /** The desk it was opened at (lib/desks/desk.ts); absent on tickets from before desks: the default desk's. */
  desk?: string;
  subject: string;
  customer: Customer;
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  resolution?: string;
  /** The ticket an old follow-up came from, when this ticket was started by it. */
  refersTo?: string;
  spam: boolean;
  /** Set when the intake's spam filter was unsure: an agent decides. */
  suspect?: { score: number };
  memos: Memo[];
  counts: { followUps: number; phoneCalls: number; articles: number; refused: number };
  acknowledgedAt?: string;
}

/**
 * Everything that can happen to a ticket. Agent actions carry the actor;
 * articles (memo text, call notes, follow-up mails) are already in PostgreSQL
 * and travel here only as ids.
 */
export type TicketCommand =
  | { type: 'assignQueue'; actor: Actor; queue: string }
  // The receipt notice and the answer are composed by an activity after the
  // transition; an articleId is only given when the caller stored the text itself.
  | { type: 'acknowledge'; actor: Actor; articleId?: string }
  | { type: 'draftMemo'; actor: Actor; articleId: string }
  | { type: 'reviewMemo'; actor: Actor; memoId: string; decision: 'approve' | 'reject'; comment?: string }
  | { type: 'sendAnswer'; actor: Actor; memoId: string; articleId?: string }
  | { type: 'customerFollowUp'; articleId: string; channel: Channel }
  | { type: 'logPhoneCall'; actor: Actor; direction: 'inbound' | 'outbound'; articleId: string }
  | { type: 'changePriority'; actor: Actor; priority: Priority }
  | { type: 'reassign'; actor: Actor; owner: string }
  | { type: 'escalate'; actor: Actor; level: SupportLevel; reason: string }
  | { type: 'close'; actor: Actor; resolution: string }
  | { type: 'markSpam'; actor: Actor }
  | { type: 'autoClose'; resolution: 'no_response' };

export type TicketCommandType = TicketCommand['type'];

/**
 * What an accepted command means beyond its new state, for the workflow to act on:
 * - 'reopened': a customer follow-up reopened a closed ticket (closedAt and resolution were cleared;
 *   keeping the old resolution in the history is the workflow's job).
 * - 'followUpAfterReopenWindow': the follow-up came after the reopen window; the ticket stays closed
 *   and the follow-up belongs to a new ticket that refersTo this one.
 */
export type DecisionNote = 'reopened' | 'followUpAfterReopenWindow';

export type Decision =
  | { ok: true; state: TicketState; note?: DecisionNote }
  | { ok: false; reason: string };
