// `npm run api`: the HTTP API alone, against TEMPORAL_ADDRESS and DATABASE_URL.
import { loadConfig } from '../lib/config';
import { Helpdesk } from '../lib/helpdesk';
import { log } from '../lib/log';
import { loadSlaPolicy } from '../lib/sla-policy';
import { onShutdownSignal } from '../lib/shutdown';

const config = loadConfig();
const slaPolicy = loadSlaPolicy();
const helpdesk = new Helpdesk({ config, slaPolicy, parts: { worker: false, intake: false, api: true } });
onShutdownSignal(() => helpdesk.stop());
await helpdesk.start();
log.info({ url: helpdesk.api?.url }, 'API listening');
