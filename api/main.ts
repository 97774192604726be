// `npm run api`: the HTTP API alone, against TEMPORAL_ADDRESS and DATABASE_URL.
import { ConfigError, loadConfig } from '../lib/config';
import { Helpdesk } from '../lib/helpdesk';
import { log } from '../lib/log';
import { loadSlaPolicy } from '../lib/sla-policy';
import { onShutdownSignal } from '../lib/shutdown';

let config, slaPolicy;
try {
  config = loadConfig();
  slaPolicy = loadSlaPolicy();
} catch (error) {
  // A bad setting (API_ALLOWED_IPS, TRUSTED_PROXIES, DATABASE_URL, …) is one line naming it, not a stack trace.
  if (!(error instanceof ConfigError)) throw error;
  console.error(`could not start: ${error.message}`);
  process.exit(1);
}
const helpdesk = new Helpdesk({ config, slaPolicy, parts: { worker: false, intake: false, api: true } });
onShutdownSignal(() => helpdesk.stop());
await helpdesk.start();
log.info({ url: helpdesk.api?.url }, 'API listening');
