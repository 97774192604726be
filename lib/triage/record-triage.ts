// What the rules did, made durable once the ticket exists: the account they
// chose on the ticket's parties, and one `triage` history line per rule hit.
// Safe to run again for the same ticket (a retried opening): each line's key
// is `<number>:triage:<rule>`, and an account already set is not set again.
import type { Kysely } from 'kysely';
import { CustomerRuleError } from '../../db/customer-errors';
import type { Database } from '../../db/schema';
import { correctParties } from '../../db/ticket-parties';
import { describeHit } from './describe-hit';
import { TRIAGE_ACTOR } from './triaged-ticket';
import type { RuleHit, TriageOutcome } from './triage';

export async function recordTriage(db: Kysely<Database>, number: string, outcome: TriageOutcome, at: string): Promise<void> {
  const hits = outcome.account ? await setAccount(db, number, outcome.account, outcome.hits) : outcome.hits;
  if (!hits.length) return;
  await db
    .insertInto('ticket_events')
    .values(
      hits.map((hit) => ({
        ticket_number: number,
        event_key: `${number}:triage:${hit.rule}`,
        kind: 'triage',
        actor: TRIAGE_ACTOR,
        detail: JSON.stringify(triageDetail(hit)),
        at,
      })),
    )
    .onConflict((oc) => oc.column('event_key').doNothing())
    .execute();
}

/** A `triage` line's detail: the console words it from `changes` and `kept`; `line` is the CLI's sentence. */
export function triageDetail(hit: RuleHit): Record<string, unknown> {
  return { rule: hit.rule, ...(hit.name ? { name: hit.name } : {}), line: describeHit(hit), matched: hit.matched, changes: hit.changes, kept: hit.kept, stopped: hit.stopped };
}

/**
 * The rule's account on the ticket's parties, as an agent's correction would
 * be (with its own `partiesChanged` line). Parties not recorded (a sender
 * the desk could not read, or parties whose recording failed) or an account
 * that does not exist: the hit says the account was not set.
 */
async function setAccount(db: Kysely<Database>, number: string, accountId: string, hits: RuleHit[]): Promise<RuleHit[]> {
  const parties = await db.selectFrom('ticket_parties').select(['requester_contact_id', 'requester_address']).where('ticket_number', '=', number).executeTakeFirst();
  let because: string | undefined;
  if (!parties) because = 'the ticket has no recorded parties: an agent sets its account';
  else {
    try {
      await correctParties(db, number, TRIAGE_ACTOR, { accountId }, { contactId: parties.requester_contact_id, address: parties.requester_address });
    } catch (error) {
      // Only the account's own refusal (no such account) is the rule's problem; anything else is retried.
      if (!(error instanceof CustomerRuleError)) throw error;
      because = error.message;
    }
  }
  return because ? hits.map((hit) => accountNotSet(hit, accountId, because)) : hits;
}

function accountNotSet(hit: RuleHit, accountId: string, because: string): RuleHit {
  if (!hit.changes.some((c) => c.field === 'account')) return hit;
  return { ...hit, changes: hit.changes.filter((c) => c.field !== 'account'), kept: [...hit.kept, { field: 'account', wanted: accountId, note: because }] };
}
