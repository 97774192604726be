import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Config } from '../lib/config';
import type { Desks } from '../lib/desks/desk';
import type { TriageRule } from '../lib/triage/rule';
import type { SlaPolicy } from '../workflows/sla/policy';
import type { Actor } from '../workflows/ticket-types';
import type { DeskChanges } from '../web/live/desk-changes';

/** What every route can reach. */
export interface ApiDeps {
  db: Kysely<Database>;
  temporal: Client;
  config: Config;
  /** The installation's SLA policy (SLA_POLICY_FILE), for desks without their own. */
  slaPolicy: SlaPolicy;
  /** The desks (DESKS_FILE); absent: the one desk of SUPPORT_ADDRESS. */
  desks?: Desks;
  /** The rules new tickets are triaged by (TRIAGE_RULES_FILE); absent: none. */
  triageRules?: readonly TriageRule[];
  /** Live change notices for the console's open pages; absent: pages do not update live. */
  changes?: DeskChanges;
}

/** ApiDeps as createApp completes them: the desks always known. */
export type WiredDeps = ApiDeps & { desks: Desks };

/** Hono's per-request variables: who is calling, and what the request was about (for the audit log). */
export type ApiEnv = {
  Variables: {
    actor?: Actor;
    ip?: string;
    action?: string;
    ticketNumber?: string;
    /** Set for a request with an Idempotency-Key (api/idempotency.ts): what the articles it stores remember. */
    requestKey?: string;
    /** A console page's signed-in session (web/session.ts). */
    session?: { id: string; actor: Actor; csrfToken: string };
  };
};
