// `npm run worker` and `npm run api`: one process running some of the parts
// until a signal stops it. Everything that can be wrong with the configuration
// stops the start before any part runs, in one line naming it.
import { checkTemplates, TemplateError } from '../activities/outbound-mail/templates';
import { installRuntime } from '../worker/runtime';
import { ConfigError, loadConfig } from './config';
import { Helpdesk, type HelpdeskOptions } from './helpdesk';
import { loadSlaPolicy } from './sla-policy';
import { onShutdownSignal } from './shutdown';
import { loadTriageRules } from './triage/rules-file';

export async function runHelpdeskProcess(parts: HelpdeskOptions['parts']): Promise<Helpdesk> {
  let helpdesk: Helpdesk;
  try {
    const config = loadConfig();
    const slaPolicy = loadSlaPolicy();
    const triageRules = loadTriageRules(config.triageRulesFile, slaPolicy);
    if (parts.worker || parts.intake) {
      await checkTemplates(config.mail.templatesDir);
      installRuntime(config);
    }
    helpdesk = new Helpdesk({ config, slaPolicy, triageRules, parts });
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof TemplateError)) throw error;
    console.error(`could not start: ${error.message}`);
    process.exit(1);
  }
  onShutdownSignal(() => helpdesk.stop());
  return helpdesk.start();
}
