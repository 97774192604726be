// Every way in (the IMAP poller, POST /api/intake/mail, `helpdesk intake`) takes
// a mail the same way: its bytes are kept first, then its intake workflow is
// started under the mail's intake key, and its result awaited. A mail seen
// before finds its first workflow (or, once Temporal has forgotten it, the
// outcome recorded in PostgreSQL) and is not taken in again.

import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { eagerStartFor } from '../../lib/eager-start';
import type { Database } from '../../db/schema';
import type { Config } from '../../lib/config';
import type { mailIntakeWorkflow } from '../../workflows/mail-intake';
import { keepRawMail, recordedResult, type IntakeRecord } from './intake-records';
import type { IntakeResult } from '../../workflows/mail-intake-types';

export interface MailIntake {
  db: Kysely<Database>;
  temporal: Client;
  /** The intake worker's task queue (intakeTaskQueueOf the ticket queue). */
  taskQueue: string;
  maxMessageBytes: number;
}

/** The intake runs on a queue of its own beside the tickets' (its worker registers its own activities). */
export const intakeTaskQueueOf = (ticketTaskQueue: string) => `${ticketTaskQueue}-intake`;

/** The intake as its callers (poller, API, pipe) reach it. */
export function mailIntakeFor(db: Kysely<Database>, temporal: Client, config: Config): MailIntake {
  return { db, temporal, taskQueue: intakeTaskQueueOf(config.temporal.taskQueue), maxMessageBytes: config.maxMessageBytes };
}

export interface TakeOptions {
  /** An agent moved the mail out of Junk: take it in again, as not spam. */
  notSpam?: boolean;
  /** Give up waiting after this long (the workflow goes on; asking again later finds it). */
  waitMs?: number;
  /** The mail's intake row as the caller just read it (null: none yet), so it is not read again. */
  known?: IntakeRecord | null;
}

export interface TakenMail {
  record: IntakeRecord;
  result: IntakeResult;
}

export class IntakeStillRunning extends Error {}

export async function takeMail(intake: MailIntake, raw: Buffer, source: string, options: TakeOptions = {}): Promise<TakenMail> {
  const { record } = await keepRawMail(intake.db, raw, source, intake.maxMessageBytes, options.known);
  const done = recordedResult(record);
  if (done && !options.notSpam) return { record, result: done };
  const handle = await startIntake(intake, record, options.notSpam === true);
  return { record, result: await resultWithin(handle, options.waitMs) };
}

async function startIntake(intake: MailIntake, record: IntakeRecord, notSpam: boolean): Promise<WorkflowHandle<typeof mailIntakeWorkflow>> {
  // A correction is a second, separate intake of the same mail; it too runs once.
  const workflowId = notSpam ? `${record.intake_key}-not-spam` : record.intake_key;
  try {
    return await intake.temporal.workflow.start<typeof mailIntakeWorkflow>('mailIntakeWorkflow', {
      workflowId,
      taskQueue: intake.taskQueue,
      args: [{ intakeKey: record.intake_key, rawMessageId: record.raw_message_id, ...(notSpam ? { notSpam } : {}) }],
      // Running: join it. Completed: never again (its result stands). Failed or terminated: start afresh.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      ...eagerStartFor(intake.temporal),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return intake.temporal.workflow.getHandle(workflowId);
    throw error;
  }
}

async function resultWithin(handle: WorkflowHandle<typeof mailIntakeWorkflow>, waitMs?: number): Promise<IntakeResult> {
  if (waitMs === undefined) return handle.result();
  // The long poll is cancelled with the wait, so abandoned waits do not pile up.
  const signal = AbortSignal.timeout(waitMs);
  try {
    return await handle.client.connection.withAbortSignal(signal, () => handle.result());
  } catch (error) {
    if (signal.aborted) throw new IntakeStillRunning(`intake ${handle.workflowId} is still running after ${waitMs} ms`);
    throw error;
  }
}
