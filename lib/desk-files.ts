// The files a start reads besides the environment, read and checked together
// before any part runs: the SLA policy, the desks (each desk's own policy and
// templates) and the triage rules. A problem in any stops the start naming it.
import { checkTemplates } from '../activities/outbound-mail/templates';
import type { Config } from './config';
import { loadDesks } from './desks/desks-file';
import type { Desks } from './desks/desk';
import type { TriageRule } from './triage/rule';
import type { SlaPolicy } from '../workflows/sla/policy';
import { loadSlaPolicy } from './sla-policy';
import { loadTriageRules } from './triage/rules-file';

export async function loadDeskFiles(config: Config): Promise<{ slaPolicy: SlaPolicy; desks: Desks; triageRules: TriageRule[] }> {
  const slaPolicy = loadSlaPolicy();
  const desks = loadDesks(config, slaPolicy);
  const triageRules = loadTriageRules(config.triageRulesFile, slaPolicy);
  for (const dir of new Set([config.mail.templatesDir, ...desks.all.map((d) => d.templatesDir)])) await checkTemplates(dir);
  return { slaPolicy, desks, triageRules };
}
