// A rule's hit in one line, for `npx helpdesk triage test` and the history
// line (its `line`): `rule 2 "障害": priority P3 → P1, queue → incident`.
import { ruleLabel } from './rule';
import type { KeptField, RuleHit, TriageChange, TriageOutcome } from './triage';

function changeWords(change: TriageChange): string {
  switch (change.field) {
    case 'tags':
      return `tags + ${change.added.join(', ')}`;
    case 'account':
      return `account → ${change.to}`;
    default:
      return change.from === null ? `${change.field} → ${change.to}` : `${change.field} ${change.from} → ${change.to}`;
  }
}

function keptWords(kept: KeptField): string {
  const because =
    kept.decidedBy !== undefined ? `rule ${kept.decidedBy} set it` : kept.senderAccount ? `the sender's account is ${kept.senderAccount.id} (${kept.senderAccount.name})` : (kept.note ?? '');
  return `${kept.field} not set to ${kept.wanted}${because ? ` (${because})` : ''}`;
}

/** What the hit did and did not do; `stop` when it ended the list. */
function hitSummary(hit: RuleHit): string {
  const words = [
    ...hit.changes.map(changeWords),
    ...hit.kept.map(keptWords),
  ];
  if (hit.stopped) words.push('stop');
  return words.join(', ') || 'nothing left to change';
}

export function describeHit(hit: RuleHit): string {
  return `${ruleLabel({ index: hit.rule, name: hit.name })}: ${hitSummary(hit)}`;
}

/** Where the ticket ends up: `priority P1, queue incident, tags outage`. */
export function describeOutcome(outcome: TriageOutcome): string {
  return [
    `priority ${outcome.priority}`,
    `queue ${outcome.queue ?? '(none)'}`,
    ...(outcome.account ? [`account ${outcome.account}`] : []),
    ...(outcome.tags.length ? [`tags ${outcome.tags.join(', ')}`] : []),
  ].join(', ');
}
