// `npm run worker`: the ticket worker and the mail intake (its worker, and the
// IMAP poller when IMAP_URL is set), against TEMPORAL_ADDRESS and DATABASE_URL.
import { checkTemplates } from '../activities/outbound-mail/templates';
import { ConfigError, loadConfig } from '../lib/config';
import { Helpdesk } from '../lib/helpdesk';
import { log } from '../lib/log';
import { loadSlaPolicy } from '../lib/sla-policy';
import { onShutdownSignal } from '../lib/shutdown';
import { installRuntime } from './runtime';

// Everything that can be wrong with the configuration stops the start before any part runs, in one line.
let config, slaPolicy;
try {
  config = loadConfig();
  slaPolicy = loadSlaPolicy();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`could not start: ${error.message}`);
  process.exit(1);
}
await checkTemplates(config.mail.templatesDir);
installRuntime();
const helpdesk = new Helpdesk({ config, slaPolicy, parts: { worker: true, intake: true, api: false } });
onShutdownSignal(() => helpdesk.stop());
await helpdesk.start();
log.info({ taskQueue: config.temporal.taskQueue, imap: config.imapUrl ? 'watching' : 'off' }, 'worker running');
await helpdesk.workerDone;
