// `npm run worker` and `npm run api`: one process running some of the parts
// until a signal stops it. Everything that can be wrong with the configuration
// stops the start before any part runs, in one line naming it.
import { TemplateError } from '../activities/outbound-mail/templates';
import { installRuntime } from '../worker/runtime';
import { ConfigError, loadConfig } from './config';
import { Helpdesk, type HelpdeskOptions } from './helpdesk';
import { loadDeskFiles } from './desk-files';
import { onShutdownSignal } from './shutdown';

export async function runHelpdeskProcess(parts: HelpdeskOptions['parts']): Promise<Helpdesk> {
  let helpdesk: Helpdesk;
  try {
    const config = loadConfig();
    const files = await loadDeskFiles(config);
    if (parts.worker || parts.intake) installRuntime(config);
    helpdesk = new Helpdesk({ config, ...files, parts });
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof TemplateError)) throw error;
    console.error(`could not start: ${error.message}`);
    process.exit(1);
  }
  onShutdownSignal(() => helpdesk.stop());
  return helpdesk.start();
}
