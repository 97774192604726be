// `npm run worker`: the ticket worker and the mail intake (its worker, and the
// IMAP poller when IMAP_URL is set), against TEMPORAL_ADDRESS and DATABASE_URL.
import { log } from '../lib/log';
import { runHelpdeskProcess } from '../lib/run-process';

const helpdesk = await runHelpdeskProcess({ worker: true, intake: true, api: false });
log.info('worker running');
await helpdesk.workerDone;
