// The mail intake's process part: a worker on the intake's own task queue (the
// per-mail workflow and its activities), and, when IMAP_URL is set, the poller
// that feeds it from the support mailbox. `npm run worker` and `npm start` run both.
//
// The intake starts workflows (each mail's intake, each mail's ticket) through a
// client of its own on the workers' native connection, so that those starts are
// eager (lib/eager-start.ts): their first task runs here at once. The API keeps
// its own client.

import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { mailIntakeActivities, type IntakeDeps } from '../activities/intake/intake-activities';
import { intakeTaskQueueOf, mailIntakeFor } from '../activities/intake/take-mail';
import type { SpamFilter } from '../activities/spam/spam-filter';
import type { Database } from '../db/schema';
import type { Config } from '../lib/config';
import { log } from '../lib/log';
import { singleDesk, type Desks } from '../lib/desks/desk';
import type { SlaPolicy } from '../workflows/sla/policy';
import type { TriageRule } from '../lib/triage/rule';
import { MailboxPoller, type MailboxPollerOptions } from './mailbox-poller';
import { WORKFLOWS_PATH } from './ticket-worker';
import { activityFailures } from './activity-failures';

export interface MailIntakeParts {
  db: Kysely<Database>;
  config: Config;
  /** The workers' connection; the intake's client is made on it. */
  connection: NativeConnection;
  spamFilter: SpamFilter;
  slaPolicy: SlaPolicy;
  /** The desks (DESKS_FILE); absent: the one desk of SUPPORT_ADDRESS. */
  desks?: Desks;
  triageRules?: readonly TriageRule[];
  /** A bundle made once (tests); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Tuning for tests and the bench. */
  poller?: Pick<MailboxPollerOptions, 'sweepEveryMs' | 'concurrency' | 'intakeWaitMs'>;
}

export interface RunningMailIntake {
  worker: Worker;
  /** Present when IMAP_URL is set. */
  poller?: MailboxPoller;
  /** Stops the poller first (so nothing new starts), then the worker. */
  stop(): Promise<void>;
}

/** What the intake's activities need, from the product's configuration. */
function intakeDeps(parts: Omit<MailIntakeParts, 'connection' | 'workflowBundle' | 'poller'> & { temporal: Client }): IntakeDeps {
  const { config } = parts;
  const desks = parts.desks ?? singleDesk(config, parts.slaPolicy);
  // Every desk's addresses and domains are the desk's own: never a customer, never a participant.
  const addresses = desks.addresses();
  const domains = [...new Set(addresses.map((a) => a.slice(a.lastIndexOf('@') + 1).toLowerCase()))];
  return {
    db: parts.db,
    temporal: parts.temporal,
    taskQueue: config.temporal.taskQueue,
    settings: { reopenWindowMs: config.reopenWindowMs, autoCloseAfterMs: config.autoCloseAfterMs },
    slaPolicy: parts.slaPolicy,
    desks,
    triageRules: parts.triageRules,
    spamFilter: parts.spamFilter,
    ours: { supportAddresses: addresses, messageIdDomains: domains },
    maxMessageBytes: config.maxMessageBytes,
  };
}

export async function startMailIntake(parts: MailIntakeParts): Promise<RunningMailIntake> {
  const { config } = parts;
  const temporal = new Client({ connection: parts.connection, namespace: config.temporal.namespace });
  const worker = await Worker.create({
    connection: parts.connection,
    namespace: config.temporal.namespace,
    taskQueue: intakeTaskQueueOf(config.temporal.taskQueue),
    activities: mailIntakeActivities(intakeDeps({ ...parts, temporal })),
    interceptors: { activity: [activityFailures] },
    ...(parts.workflowBundle ? { workflowBundle: parts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    shutdownGraceTime: '20 seconds',
  });
  const running = worker.run().catch((error) => log.error({ err: error }, 'mail intake: the worker stopped with an error'));
  const poller = config.imapUrl
    ? new MailboxPoller({
        imapUrl: config.imapUrl,
        intake: mailIntakeFor(parts.db, temporal, config),
        spamFilter: parts.spamFilter,
        log: log.child({ component: 'mail-intake' }),
        ...parts.poller,
      })
    : undefined;
  poller?.start();
  return {
    worker,
    poller,
    async stop() {
      await poller?.stop();
      worker.shutdown();
      await running;
    },
  };
}
