import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import path from 'node:path';
import { inject } from 'vitest';
import { activityDeps, createActivities } from '../../activities';
import { openSpamFilter } from '../../activities/spam/open-spam-filter';
import { loadConfig } from '../../lib/config';
import { timeSkippingServerExecutable } from '../../scripts/devstack/time-skipping-server';
import { TICKET_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { connectTestDatabase } from './database';

/**
 * The Java time-skipping test server with the ticket search attributes
 * registered, and a worker with the real activities on the run's database.
 */
export async function startTimeSkippingDesk(taskQueue: string) {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: await timeSkippingServerExecutable() } },
  });
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
    DATA_DIR: path.join(inject('serversDir'), taskQueue),
  });
  const spamFilter = await openSpamFilter(database.db, database.url);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code: inject('workflowBundle') },
    activities: createActivities(activityDeps(database.db, config, spamFilter)),
  });
  const running = worker.run();
  return {
    env,
    db: database.db,
    async stop() {
      worker.shutdown();
      await running;
      await spamFilter.close();
      await env.teardown();
      await database.close();
    },
  };
}
