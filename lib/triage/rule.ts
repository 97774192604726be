// A triage rule as the desk uses it: checked and compiled from the rules file
// (rules-schema.ts), its conditions ready to test (conditions.ts).
import type { Priority } from '../../workflows/ticket-types';
import type { Condition } from './conditions';

/** What a rule may decide about a new ticket. */
export interface RuleSettings {
  queue?: string;
  priority?: Priority;
  /** An account id: the ticket's account when the desk found none for the sender. */
  account?: string;
  tags?: string[];
}

export interface TriageRule {
  /** 1-based place in the file: how messages and history lines name the rule. */
  index: number;
  name?: string;
  /** Every one must hold; none: the rule matches every inquiry. */
  when: Condition[];
  set: RuleSettings;
  /** Matched: no later rule is looked at. */
  stop: boolean;
}

/** `rule 2 "障害"`, or `rule 2` for a rule without a name. */
export function ruleLabel(rule: { index: number; name?: string }): string {
  return rule.name ? `rule ${rule.index} "${rule.name}"` : `rule ${rule.index}`;
}
