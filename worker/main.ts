// `npm run worker`: the ticket worker alone, against TEMPORAL_ADDRESS and DATABASE_URL.
import { openDatabase, openWorkerConnection } from '../lib/dependencies';
import { loadConfig } from '../lib/config';
import { log } from '../lib/log';
import { onShutdownSignal } from '../lib/shutdown';
import { installRuntime } from './runtime';
import { activityDeps } from '../activities';
import { createTicketWorker } from './ticket-worker';

const config = loadConfig();
installRuntime();
const db = await openDatabase(config);
const connection = await openWorkerConnection(config);
const worker = await createTicketWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  deps: activityDeps(db, config),
});
const running = worker.run();
log.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
onShutdownSignal(async () => {
  worker.shutdown();
  await running;
  await connection.close();
  await db.destroy();
});
await running;
