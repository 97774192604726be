import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createActivities, type ActivityDeps } from '../activities';
import { activityFailures } from './activity-failures';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** The worker options that decide how many tasks run at once (bench/deadlines.ts measures them). */
export type TicketWorkerTuning = Pick<
  WorkerOptions,
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxCachedWorkflows'
  | 'workflowTaskPollerBehavior'
  | 'activityTaskPollerBehavior'
  | 'nonStickyToStickyPollRatio'
  | 'workflowThreadPoolSize'
>;

/**
 * The product's tuning: the SDK's defaults (40 workflow-task and 100 activity slots, 10 pollers
 * each, a sticky cache sized from the heap: about 2,300 workflows here) but for two workflow
 * threads instead of one. On the dev server, bench/deadlines.ts showed the waiting in the server's
 * queues: more pollers and slots did not make escalations earlier, fewer tasks per escalation did
 * (SLA records as local activities, workflows/ticket-effect-runner.ts). On the cluster (`npm run
 * cluster`) the server keeps up and the worker's one workflow thread became the queue (tasks
 * waiting up to 100 s at p99 to start): with two, 1,000 breaches falling within 15 s were recorded
 * at p99 19.7 s instead of 36.3 s in the same run (2026-12-03). A second thread costs a second
 * copy of the workflow bundle's isolate; the sticky cache is shared out between them.
 */
export const TICKET_WORKER_TUNING: TicketWorkerTuning = { workflowThreadPoolSize: 2 };

export interface TicketWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A bundle made once (tests); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Benches: other tuning than the product's (TICKET_WORKER_TUNING). */
  tuning?: TicketWorkerTuning;
}

/** The worker that runs ticket workflows and their activities. */
export function createTicketWorker(options: TicketWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    interceptors: { activity: [activityFailures] },
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(options.tuning ?? TICKET_WORKER_TUNING),
    // In-flight activities get this long to finish on shutdown before they are handed back to Temporal.
    shutdownGraceTime: '20 seconds',
  });
}
