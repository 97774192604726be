import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../lib/config';
import { Helpdesk } from '../../lib/helpdesk';
import { loadSlaPolicy } from '../../lib/sla-policy';
import { timeSkippingServerExecutable } from '../../scripts/devstack/time-skipping-server';
import { TICKET_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { connectTestDatabase } from './database';
import { iso } from './times';

/**
 * `TEST_START_AT` (an ISO date-time with its offset, e.g. `2027-01-08T10:00:00+09:00`): every
 * time-skipping environment skips to this instant as soon as it has started, before a test does
 * anything, so the time-based tests can be run "from" any day. Unset: they run from now.
 */
export const TEST_START_AT_VARIABLE = 'TEST_START_AT';

/** The instant TEST_START_AT names, in epoch ms, or undefined when it is unset or empty. */
export function testStartAt(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[TEST_START_AT_VARIABLE]?.trim();
  if (!text) return undefined;
  // Without an offset Date.parse would read the machine's zone: refuse rather than guess.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new Error(`${TEST_START_AT_VARIABLE}=${text} is not an ISO date-time with an offset (e.g. 2027-01-08T10:00:00+09:00)`);
  }
  return Date.parse(text);
}

/** Skips the test server's clock forward to `targetMs`; it cannot go back, so an earlier target throws. */
export async function skipTo(env: TestWorkflowEnvironment, targetMs: number, what = 'the test'): Promise<void> {
  const now = await env.currentTimeMs();
  if (targetMs < now) {
    throw new Error(`${what} wants the time-skipping server at ${iso(targetMs)}, but its clock is already at ${iso(now)}; it only goes forward`);
  }
  if (targetMs > now) await env.sleep(targetMs - now);
}

/**
 * A Java time-skipping test server, skipped to TEST_START_AT when that is set. Every time-based
 * test starts its server here. Its tests read "now" from `env.currentTimeMs()`, never `Date.now()`.
 */
export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const startAt = testStartAt(); // a malformed value fails before any server starts
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: await timeSkippingServerExecutable() } },
  });
  if (startAt === undefined) return env;
  try {
    const now = await env.currentTimeMs();
    if (startAt < now) {
      throw new Error(`${TEST_START_AT_VARIABLE}=${process.env[TEST_START_AT_VARIABLE]} (${iso(startAt)}) is in the past: the time-skipping server starts at the current time (${iso(now)}) and can only go forward; choose a later instant or unset ${TEST_START_AT_VARIABLE}`);
    }
    await skipTo(env, startAt, TEST_START_AT_VARIABLE);
  } catch (error) {
    await env.teardown().catch(() => {});
    throw error;
  }
  return env;
}

/**
 * The Java time-skipping test server (skipped to TEST_START_AT when set) with the ticket search
 * attributes registered, and the product's ticket worker (lib/helpdesk.ts) on the run's database.
 */
export async function startTimeSkippingDesk(taskQueue: string) {
  const env = await createTimeSkippingEnvironment();
  // Like a real cluster, the test server refuses search attributes it does not know.
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(TICKET_SEARCH_ATTRIBUTES.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!])),
  });
  const database = await connectTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    SUPPORT_ADDRESS: 'support@desk.test',
    MAILING_LIST_ADDRESS: 'team@desk.test',
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATA_DIR: path.join(inject('serversDir'), taskQueue),
  });
  // The product's own assembly (lib/helpdesk.ts), on the test server's connections: the worker is wired as in production.
  const helpdesk = await new Helpdesk({
    config,
    slaPolicy: loadSlaPolicy(),
    parts: { worker: true, intake: false, api: false },
    temporal: { client: env.client, workerConnection: env.nativeConnection },
    workflowBundle: { code: inject('workflowBundle') },
  }).start();
  return {
    env,
    db: database.db,
    async stop() {
      await helpdesk.stop();
      await env.teardown();
      await database.close();
    },
  };
}
