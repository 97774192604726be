// TRIAGE_RULES_FILE: read and checked when the product starts, as
// SLA_POLICY_FILE is; a file that does not validate stops the start in one
// line naming the rule and the field. Unset: no rules, every ticket arrives
// as it always did (P3 for mail, no queue).
import { readFileSync } from 'node:fs';
import type { SlaPolicy } from '../../workflows/sla/policy';
import { ConfigError } from '../config';
import type { TriageRule } from './rule';
import { parseTriageRules } from './rules-schema';

/** `source` names where the file came from in messages: the variable, or the CLI's --rules. */
export function loadTriageRules(file: string | undefined, slaPolicy: SlaPolicy, source = 'TRIAGE_RULES_FILE'): TriageRule[] {
  if (!file) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${source} ${file} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = parseTriageRules(json, slaPolicy);
  if (!parsed.ok) throw new ConfigError(`${source} ${file} is not valid: ${parsed.problems.join('; ')}`);
  return parsed.rules;
}
