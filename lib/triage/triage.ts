// Triage on arrival: the rules, in the file's order, against what arrives.
//
// How they combine (the desk's decision, also in docs/triage.md):
// - Every rule whose `when` holds is a hit; a rule without `when` always holds.
// - The first hit that sets a field decides it: queue, priority and account
//   each once. A later hit setting the same field leaves it as it is (its
//   history line says which rule had decided), so rules read like a mail
//   filter, the specific ones first and the catch-alls last.
// - Tags add up over all hits.
// - `stop: true` on a hit ends the list: no later rule is looked at.
// - A rule's account is only taken when the desk found no account for the
//   sender (membership or mail domain): the customer records know better.
// Pure: no clock (the arrival time is part of the inquiry), no database.
import type { Priority } from '../../workflows/ticket-types';
import { seen } from './conditions';
import type { ArrivingInquiry } from './inquiry';
import type { TriageRule } from './rule';

type DecidedField = 'queue' | 'priority' | 'account';

export type TriageChange =
  | { field: 'queue'; from: string | null; to: string }
  | { field: 'priority'; from: Priority; to: Priority }
  | { field: 'account'; from: null; to: string }
  | { field: 'tags'; added: string[] };

export interface KeptField {
  field: DecidedField;
  wanted: string;
  decidedBy?: number;
  senderAccount?: { id: string; name: string };
  note?: string;
}

export interface RuleHit {
  rule: number;
  name?: string;
  /** Why each condition held, in the rule's order. */
  matched: string[];
  changes: TriageChange[];
  /** What the rule would have set but did not, and why: an earlier rule had, the sender already has an account, or a note. */
  kept: KeptField[];
  stopped: boolean;
}

export interface TriageOutcome {
  queue: string | null;
  priority: Priority;
  /** An account id a rule set; null: the ticket keeps the account its parties have (or none). */
  account: string | null;
  tags: string[];
  hits: RuleHit[];
}

/** What the ticket would be without any rule: the priority it arrived with, no queue. */
export interface ArrivingTicket {
  priority: Priority;
  queue: string | null;
}

export function triage(rules: readonly TriageRule[], arriving: ArrivingInquiry, ticket: ArrivingTicket): TriageOutcome {
  const inquiry = seen(arriving);
  const outcome: TriageOutcome = { queue: ticket.queue, priority: ticket.priority, account: null, tags: [], hits: [] };
  const decidedBy: Partial<Record<DecidedField, number>> = {};
  for (const rule of rules) {
    const matched = rule.when.map((c) => c.test(inquiry));
    if (matched.some((why) => why === null)) continue;
    const hit: RuleHit = { rule: rule.index, ...(rule.name ? { name: rule.name } : {}), matched: matched as string[], changes: [], kept: [], stopped: rule.stop };
    applyRule(rule, outcome, hit, decidedBy, arriving.account);
    outcome.hits.push(hit);
    if (rule.stop) break;
  }
  return outcome;
}

function applyRule(rule: TriageRule, outcome: TriageOutcome, hit: RuleHit, decidedBy: Partial<Record<DecidedField, number>>, account: ArrivingInquiry['account']): void {
  const { set } = rule;
  const decide = (field: DecidedField, wanted: string, change: () => TriageChange) => {
    const by = decidedBy[field];
    if (by !== undefined) {
      hit.kept.push({ field, wanted, decidedBy: by });
      return;
    }
    decidedBy[field] = rule.index;
    hit.changes.push(change());
  };
  if (set.priority !== undefined) {
    const to = set.priority;
    decide('priority', to, () => ({ field: 'priority', from: outcome.priority, to: (outcome.priority = to) }));
  }
  if (set.queue !== undefined) {
    const to = set.queue;
    decide('queue', to, () => ({ field: 'queue', from: outcome.queue, to: (outcome.queue = to) }));
  }
  if (set.account !== undefined) {
    const to = set.account;
    if (account) hit.kept.push({ field: 'account', wanted: to, senderAccount: { id: account.id, name: account.name } });
    else decide('account', to, () => ({ field: 'account', from: null, to: (outcome.account = to) }));
  }
  const added = (set.tags ?? []).filter((tag, i, all) => !outcome.tags.includes(tag) && all.indexOf(tag) === i);
  if (added.length) {
    outcome.tags.push(...added);
    hit.changes.push({ field: 'tags', added });
  }
}
