// `npm run api`: the HTTP API (and the console and portal on it) alone, against TEMPORAL_ADDRESS and DATABASE_URL.
import { log } from '../lib/log';
import { runHelpdeskProcess } from '../lib/run-process';

const helpdesk = await runHelpdeskProcess({ worker: false, intake: false, api: true });
log.info({ url: helpdesk.api?.url }, 'API listening');
