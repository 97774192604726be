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
>;

/**
 * The product's tuning: the SDK's defaults (40 workflow-task and 100 activity slots, 10 pollers
 * each, a sticky cache sized from the heap: about 2,300 workflows here). When many deadlines fall
 * together, bench/deadlines.ts shows workflow tasks running in under 10 ms and activities in under
 * 50 ms: the waiting is in the Temporal server's queues, and more pollers and slots (40 pollers,
 * 100 slots each) did not make escalations earlier there. What did: fewer tasks per escalation
 * (the SLA record as a local activity, workflows/ticket-effect-runner.ts).
 */
export const TICKET_WORKER_TUNING: TicketWorkerTuning = {};

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
