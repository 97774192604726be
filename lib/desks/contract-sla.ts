// An account's contract may promise more than its desk's SLA policy (a
// premium plan: first response within 1 h). The contract names targets per
// priority, in the policy file's own words and durations:
//   {"P1": {"firstResponse": "30m"}, "P2": {"firstResponse": "1h", "resolution": "6h"}}
// Each target replaces the desk's for tickets of that account opened from then
// on; the calendar stays the desk's. Pure: checked when the account is written,
// applied when a ticket opens (lib/open-ticket.ts), so a ticket keeps the
// targets it opened under, as it keeps its policy.
import { parseBusinessDuration, type PriorityTargets, type SlaPolicy } from '../../workflows/sla/policy';
import { PRIORITIES, type Priority } from '../../workflows/ticket-types';

const TARGETS = { firstResponse: 'firstResponseMs', update: 'updateMs', resolution: 'resolutionMs' } as const;
type TargetName = keyof typeof TARGETS;

export type SlaOverrides = Partial<Record<Priority, Partial<Record<TargetName, string>>>>;

/** The problems of a contract's `slaOverrides` (empty: usable), each naming its field. */
export function slaOverrideProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['slaOverrides must be an object like {"P1": {"firstResponse": "1h"}}'];
  const problems: string[] = [];
  for (const [priority, targets] of Object.entries(value)) {
    if (!(PRIORITIES as readonly string[]).includes(priority)) {
      problems.push(`slaOverrides.${priority}: not a priority (${PRIORITIES.join(', ')})`);
      continue;
    }
    if (typeof targets !== 'object' || targets === null || Array.isArray(targets)) {
      problems.push(`slaOverrides.${priority} must be an object like {"firstResponse": "1h"}`);
      continue;
    }
    for (const [name, duration] of Object.entries(targets)) {
      if (!(name in TARGETS)) problems.push(`slaOverrides.${priority}.${name}: not a target (${Object.keys(TARGETS).join(', ')})`);
      else if (typeof duration !== 'string') problems.push(`slaOverrides.${priority}.${name} must be a duration like "1h"`);
      else {
        const parsed = parseBusinessDuration(duration);
        if (!parsed.ok) problems.push(`slaOverrides.${priority}.${name}: ${parsed.error}`);
      }
    }
  }
  return problems;
}

/** The desk's policy with the contract's targets in place; the policy itself when the contract names none. */
export function policyUnderContract(policy: SlaPolicy, overrides: unknown): SlaPolicy {
  if (overrides === undefined || overrides === null || slaOverrideProblems(overrides).length) return policy;
  const entries = Object.entries(overrides as SlaOverrides);
  if (!entries.length) return policy;
  const priorities = { ...policy.priorities };
  for (const [priority, targets] of entries) {
    const changed: PriorityTargets = { ...priorities[priority as Priority] };
    for (const [name, duration] of Object.entries(targets ?? {})) {
      const parsed = parseBusinessDuration(duration);
      if (parsed.ok) changed[TARGETS[name as TargetName]] = parsed.ms;
    }
    priorities[priority as Priority] = changed;
  }
  return { ...policy, priorities };
}
