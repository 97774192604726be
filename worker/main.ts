// `npm run worker`: the ticket worker and the mail intake (its worker, and the
// IMAP poller when IMAP_URL is set), against TEMPORAL_ADDRESS and DATABASE_URL.
import { openSpamFilter } from '../activities/spam/open-spam-filter';
import { openDatabase, openTemporalClient, openWorkerConnection } from '../lib/dependencies';
import { databaseUrlOf, loadConfig } from '../lib/config';
import { loadSlaPolicy } from '../lib/sla-policy';
import { log } from '../lib/log';
import { onShutdownSignal } from '../lib/shutdown';
import { installRuntime } from './runtime';
import { activityDeps } from '../activities';
import { checkTemplates } from '../activities/outbound-mail/templates';
import { startMailIntake } from './mail-intake';
import { createTicketWorker } from './ticket-worker';

const config = loadConfig();
await checkTemplates(config.mail.templatesDir);
installRuntime();
const db = await openDatabase(config);
const connection = await openWorkerConnection(config);
const spamFilter = await openSpamFilter(db, databaseUrlOf(config));
const worker = await createTicketWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  deps: activityDeps(db, config, spamFilter),
});
const running = worker.run();
const temporal = await openTemporalClient(config);
const intake = await startMailIntake({ db, config, connection, temporal, spamFilter, slaPolicy: loadSlaPolicy() });
log.info({ taskQueue: config.temporal.taskQueue, imap: config.imapUrl ? 'watching' : 'off' }, 'worker running');
onShutdownSignal(async () => {
  // The poller first: a mail it is taking in is either finished and moved or left in INBOX.
  await intake.stop();
  await temporal.connection.close();
  worker.shutdown();
  await running;
  await spamFilter.close();
  await connection.close();
  await db.destroy();
});
await running;
