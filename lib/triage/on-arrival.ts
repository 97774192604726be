// The desk's rules against a ticket about to open (lib/open-ticket.ts): what
// arrived is read back from the stored first article. No rules: nothing is read.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { NewTicketInit } from '../../workflows/ticket-rules';
import type { TriageRule } from './rule';
import { storedInquiry } from './stored-inquiry';
import { triage, type TriageOutcome } from './triage';

export async function triageOnArrival(db: Kysely<Database>, rules: readonly TriageRule[], init: NewTicketInit, firstArticleId: string): Promise<TriageOutcome | undefined> {
  if (!rules.length) return undefined;
  return triage(rules, await storedInquiry(db, init, firstArticleId), { priority: init.priority, queue: null });
}
