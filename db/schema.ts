import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { TicketView } from '../workflows/ticket-messages';
import type { Channel, Priority, Role, SlaStatus, SupportLevel, TicketStatus } from '../workflows/ticket-types';

/** The one typed view of the helpdesk's PostgreSQL schema. Migrations in ./migrations create it. */
export interface Database {
  ticket_numbers: TicketNumbersTable;
  tickets: TicketsTable;
  articles: ArticlesTable;
  ticket_events: TicketEventsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  outbound_mail: OutboundMailTable;
  sla_events: SlaEventsTable;
  raw_messages: RawMessagesTable;
  idempotency_keys: IdempotencyKeysTable;
  spam_tokens: SpamTokensTable;
  spam_totals: SpamTotalsTable;
  spam_trained_messages: SpamTrainedMessagesTable;
  spam_training_log: SpamTrainingLogTable;
  intake_messages: IntakeMessagesTable;
  article_attachments: ArticleAttachmentsTable;
  users: UsersTable;
  sessions: SessionsTable;
  sign_in_failures: SignInFailuresTable;
  contacts: ContactsTable;
  contact_addresses: ContactAddressesTable;
  accounts: AccountsTable;
  account_domains: AccountDomainsTable;
  memberships: MembershipsTable;
  ticket_parties: TicketPartiesTable;
  ticket_participants: TicketParticipantsTable;
  portal_links: PortalLinksTable;
  portal_sessions: PortalSessionsTable;
  portal_link_requests: PortalLinkRequestsTable;
  similar_ticket_terms: SimilarTicketTermsTable;
  similar_term_counts: SimilarTermCountsTable;
  similar_totals: SimilarTotalsTable;
  knowledge_records: KnowledgeRecordsTable;
  knowledge_record_tickets: KnowledgeRecordTicketsTable;
}

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** One counter per day in Japan time: ticket numbers are YYYYMMDD + 5 digits, like OTRS. */
export interface TicketNumbersTable {
  day: string;
  counter: number;
}

/** The read model of each ticket, written by the ticket workflow's activities. */
export interface TicketsTable {
  number: string;
  subject: string;
  customer_email: string;
  customer_name: string | null;
  channel: Channel;
  status: TicketStatus;
  queue: string | null;
  owner: string | null;
  priority: Priority;
  support_level: SupportLevel;
  sla_status: SlaStatus;
  resolution: string | null;
  refers_to: string | null;
  spam: boolean;
  /** The workflow's own change counter: an older write never overwrites a newer one. */
  version: number;
  /** The ticket as the workflow last recorded it. */
  state: JSONColumnType<TicketView>;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Timestamp | null;
  /** The desk's id, generated from `state` (migration 0016); null: the default desk's, from before desks. */
  desk: ColumnType<string | null, never, never>;
  /** The nearest deadline of a running SLA clock, as the workflow last recorded it. */
  next_due_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** Every message and note on a ticket. The workflow only ever carries `id`. */
export interface ArticlesTable {
  id: Generated<string>;
  ticket_number: string | null;
  kind: ArticleKind;
  direction: 'inbound' | 'outbound' | 'internal';
  channel: string;
  author: string | null;
  subject: string | null;
  body: string;
  from_address: string | null;
  to_addresses: string[] | null;
  cc_addresses: string[] | null;
  message_id: string | null;
  in_reply_to: string | null;
  references: string[] | null;
  headers: JSONColumnType<Record<string, unknown>> | null;
  /** For articles composed by an activity: makes a retried activity write the same article once. */
  idempotency_key: string | null;
  /** The mail this article came from, as it arrived. */
  raw_message_id: string | null;
  /** Set when the action this article was written for was refused by the ticket. */
  refused_reason: string | null;
  /** Incoming mail: the spam filter's score, outcome (spam | unsure | ham) and ten most telling tokens. */
  spam_score: number | null;
  spam_outcome: string | null;
  spam_clues: JSONColumnType<{ token: string; probability: number }[]> | null;
  /** Incoming mail: what could not be decoded cleanly (the raw part is kept as an attachment). */
  mail_problems: JSONColumnType<string[]> | null;
  created_at: CreatedAt;
}

export type ArticleKind =
  | 'inquiry'
  | 'follow_up'
  | 'phone_call'
  | 'memo'
  | 'receipt_notice'
  | 'answer'
  /** SLA warnings, breaches and escalations mailed to the owner or the level's address. */
  | 'notice'
  | 'note';

/** The ticket's history: what happened, refused actions included. */
export interface TicketEventsTable {
  id: Generated<string>;
  ticket_number: string;
  /** `<number>:<sequence in the workflow>`: a retried activity records the line once. */
  event_key: string;
  kind: string;
  actor: string | null;
  detail: JSONColumnType<Record<string, unknown>>;
  at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_name: string;
  role: Role;
  level: SupportLevel | null;
  /** SHA-256 of the token: the token itself is shown once and never stored. */
  token_hash: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: CreatedAt;
  user_name: string | null;
  role: string | null;
  ip: string | null;
  method: string;
  path: string;
  action: string;
  ticket_number: string | null;
  status: number;
  outcome: string;
}

export type OutboundMailState = 'pending' | 'sending' | 'sent' | 'failed';

/** The outbox: one row per outgoing article, with the exact bytes that go (or went) out. */
export interface OutboundMailTable {
  article_id: string;
  /** Null for mail that belongs to no ticket (the portal's sign-in link). */
  ticket_number: string | null;
  /** pending → sending (during the SMTP transaction) → sent | failed; back to pending after a refusal worth retrying. */
  state: OutboundMailState;
  message_id: string;
  envelope_from: string;
  envelope_to: string[];
  charset: string;
  raw: Buffer;
  attempts: ColumnType<number, number | undefined, number>;
  /** When the current attempt marked the row 'sending': its lease on the SMTP transaction. */
  sending_since: Date | null;
  last_error: string | null;
  /** The server's 250 reply, or the outbox file written. */
  server_response: string | null;
  /** Recipients the server refused while taking the message for the others. */
  rejected: string[] | null;
  created_at: CreatedAt;
  sent_at: Date | null;
}

/** SLA alarms and verdicts: warning, breach (with the escalation it caused), met or missed when a clock stopped. */
export interface SlaEventsTable {
  id: Generated<string>;
  event_key: string;
  ticket_number: string;
  clock: string;
  kind: 'warning' | 'breach' | 'met' | 'missed';
  deadline: Timestamp | null;
  actual_at: Timestamp;
  /** Business ms left when the clock stopped (negative: late). */
  margin_ms: ColumnType<string | null, number | null, number | null>;
  level_from: string | null;
  level_to: string | null;
  recorded_at: CreatedAt;
}

/** Every mail as it arrived (IMAP, the intake API, the pipe), before anything else reads it. */
export interface RawMessagesTable {
  id: Generated<string>;
  sha256: string;
  message_id: string | null;
  raw: Buffer;
  size: number;
  source: string;
  received_at: CreatedAt;
}

/** The spam filter's word list: how many spam and ham messages held each token. */
export interface SpamTokensTable {
  token: string;
  spam_count: number;
  ham_count: number;
}

/** One row (id 1): the trained message totals, and the word list's version, bumped by every training. */
export interface SpamTotalsTable {
  id: ColumnType<number, number | undefined, never>;
  spam_messages: number;
  ham_messages: number;
  version: ColumnType<string, string | number | undefined, string | number>;
}

/** Each trained message under its key (`raw:<id>`, `article:<id>`, `seed:<sha256>`): its verdict and the tokens it counted. */
export interface SpamTrainedMessagesTable {
  key: string;
  verdict: 'spam' | 'ham';
  tokens: string[];
  version: ColumnType<string, string | number, string | number>;
  trained_at: CreatedAt;
}

/** Recent word-list changes by version, so a worker's copy catches up without reloading everything. */
export interface SpamTrainingLogTable {
  version: ColumnType<string, string | number, never>;
  deltas: JSONColumnType<{ spam: number; ham: number; tokens: string[] }[]>;
  logged_at: CreatedAt;
}

/** One row per mail the intake took in, keyed by its intake key: what it became, and where it sits. */
export interface IntakeMessagesTable {
  intake_key: string;
  raw_message_id: string;
  message_id: string | null;
  sha256: string;
  source: string;
  oversize: ColumnType<boolean, boolean | undefined, boolean>;
  outcome: 'ticket' | 'follow-up' | 'spam' | 'ignored' | null;
  reason: string | null;
  ticket_number: string | null;
  opened_ticket_number: string | null;
  article_id: string | null;
  spam_score: number | null;
  spam_outcome: string | null;
  spam_clues: JSONColumnType<{ token: string; probability: number }[]> | null;
  in_junk: ColumnType<boolean, boolean | undefined, boolean>;
  trained: 'spam' | 'ham' | null;
  received_at: CreatedAt;
  decided_at: Timestamp | null;
}

/** The files of an incoming article, byte for byte; `position` counts from 1 in the mail's order. */
export interface ArticleAttachmentsTable {
  article_id: string;
  position: number;
  filename: string | null;
  content_type: string;
  size: number;
  sha256: string;
  inline: ColumnType<boolean, boolean | undefined, boolean>;
  content: Buffer;
}

/** The first answer to a request sent with an Idempotency-Key; status null while it is being handled. */
export interface IdempotencyKeysTable {
  user_name: string;
  key: string;
  /** Method and path: the same key for another request is refused. */
  request: string;
  /** SHA-256 of method, path and body: the same key with another body is refused (null: a row from before migration 0012). */
  request_hash: string | null;
  status: number | null;
  response: string | null;
  /** When the request was taken on (renewed when an abandoned claim is taken over). */
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A person who signs in to the console. */
export interface UsersTable {
  name: string;
  role: Role;
  level: SupportLevel | null;
  /** scrypt, in the self-describing form lib/passwords.ts writes. */
  password_hash: string;
  disabled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
  password_changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A console session: only the SHA-256 of its id is stored; the id lives in the browser's cookie. */
export interface SessionsTable {
  id_hash: string;
  user_name: string;
  /** Sent back with every form that changes something; a cross-site page cannot read it. */
  csrf_token: string;
  ip: string | null;
  created_at: CreatedAt;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** One failed sign-in: counted per user and per address to slow down guessing. */
export interface SignInFailuresTable {
  id: Generated<string>;
  user_name: string;
  ip: string | null;
  at: CreatedAt;
}

export type ContactLanguage = 'ja' | 'en';
export type AccountKind = 'direct' | 'partner';
export type MembershipRole = 'member' | 'manager';

/** A person who writes to the desk (or is written to): addresses in contact_addresses. */
export interface ContactsTable {
  id: Generated<string>;
  name: string | null;
  language: ColumnType<ContactLanguage, ContactLanguage | undefined, ContactLanguage>;
  created_at: CreatedAt;
}

/** Each address belongs to one contact; stored lower-cased. */
export interface ContactAddressesTable {
  address: string;
  contact_id: string;
}

/** What an account's contract says: the plan, and SLA targets by priority that replace its desk's (lib/desks/contract-sla.ts). */
export interface AccountContract {
  plan?: string;
  slaOverrides?: Record<string, unknown>;
}

/** An organisation: a direct customer, or a partner help desk whose end customers the desk supports. */
export interface AccountsTable {
  id: Generated<string>;
  name: string;
  kind: AccountKind;
  contract: ColumnType<AccountContract, string | undefined, string>;
  /** A regular expression with one capture group: the partner's ticket number in a mail's subject. */
  partner_number_pattern: string | null;
  /** A header carrying the partner's ticket number (e.g. X-Partner-Ticket). */
  partner_number_header: string | null;
  /** A header carrying the end customer: `Organisation / Name` (or only the organisation). */
  end_customer_header: string | null;
  created_at: CreatedAt;
}

/** A mail domain of an account (lower-cased, one account per domain). */
export interface AccountDomainsTable {
  domain: string;
  account_id: string;
}

/** A contact in an account; `sees_all`: may see all of the account's tickets. */
export interface MembershipsTable {
  contact_id: string;
  account_id: string;
  role: ColumnType<MembershipRole, MembershipRole | undefined, MembershipRole>;
  sees_all: ColumnType<boolean, boolean | undefined, boolean>;
}

/** Who a ticket is for: its requester and account, and for back-support the end customer and the partner's number. */
export interface TicketPartiesTable {
  ticket_number: string;
  requester_contact_id: string;
  /** The requester's address on this ticket (a contact may have several). */
  requester_address: string;
  account_id: string | null;
  /** The requester is in several accounts and the mail did not say which: an agent decides. */
  account_uncertain: ColumnType<boolean, boolean | undefined, boolean>;
  end_customer_name: string | null;
  end_customer_org: string | null;
  partner_ticket_number: string | null;
  /** Bumped by every correction: names its history line. */
  version: ColumnType<number, number | undefined, number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Further people (Cc) who receive the desk's mail on a ticket; lower-cased. */
export interface TicketParticipantsTable {
  ticket_number: string;
  address: string;
}

/** A one-time portal sign-in link: only the SHA-256 of its token is kept. */
export interface PortalLinksTable {
  token_hash: string;
  contact_id: string;
  /** The address the link was mailed to (the one the customer typed). */
  address: string;
  created_at: CreatedAt;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  expires_at: Timestamp;
}

/** A customer's portal session, apart from the agents' sessions: only the SHA-256 of its id is stored. */
export interface PortalSessionsTable {
  id_hash: string;
  contact_id: string;
  address: string;
  csrf_token: string;
  created_at: CreatedAt;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** One request for a sign-in link, counted per address and per IP to slow repeated requests down. */
export interface PortalLinkRequestsTable {
  id: Generated<string>;
  address: string;
  ip: string | null;
  at: CreatedAt;
}

/** A closed ticket's terms for "similar past tickets" (lib/similar/terms.ts), GIN-indexed. */
export interface SimilarTicketTermsTable {
  ticket_number: string;
  terms: string[];
  term_count: number;
  indexed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** How many indexed tickets hold each term: the document frequency BM25 weighs a term by. */
export interface SimilarTermCountsTable {
  term: string;
  tickets: number;
}

/** One row (id 1): how many tickets are indexed and their terms in all, for idf and the average length. */
export interface SimilarTotalsTable {
  id: ColumnType<number, number | undefined, never>;
  tickets: ColumnType<string, string | number | undefined, string | number>;
  term_count: ColumnType<string, string | number | undefined, string | number>;
}

/** What the desk learnt from resolved tickets (lib/knowledge/record-rules.ts says how its status moves). */
export interface KnowledgeRecordsTable {
  id: Generated<string>;
  symptom: string;
  cause: ColumnType<string, string | undefined, string>;
  fix: ColumnType<string, string | undefined, string>;
  product: string | null;
  version: string | null;
  keywords: ColumnType<string[], string[] | undefined, string[]>;
  public: ColumnType<boolean, boolean | undefined, boolean>;
  status: ColumnType<'draft' | 'in_review' | 'published' | 'rejected', 'draft' | undefined, 'draft' | 'in_review' | 'published' | 'rejected'>;
  author: string;
  reviewer: string | null;
  review_comment: string | null;
  /** lib/knowledge/record-terms.ts, GIN-indexed for the search. */
  terms: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  submitted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  reviewed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** The tickets a record came from, and later tickets linked to it. */
export interface KnowledgeRecordTicketsTable {
  record_id: string;
  ticket_number: string;
  linked_by: string;
  linked_at: CreatedAt;
}
