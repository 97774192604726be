// Integration tests' servers, started once per test run on free ports, so two
// runs (or a run beside `npm start`) never collide: a real Temporal dev server
// and a real PostgreSQL. The workflow code is bundled once here too.
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { connectDatabase } from '../../db/connect';
import { migrateToLatest } from '../../db/migrate';
import { startEmbeddedPostgres } from '../../scripts/devstack/embedded-postgres';
import { freePort } from '../../scripts/devstack/ports';
import { startTemporalDevServer } from '../../scripts/devstack/temporal-dev-server';
import { WORKFLOWS_PATH } from '../../worker/ticket-worker';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    workflowBundle: string;
    serversDir: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-test-'));
  const stops: Array<() => Promise<void>> = [];
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => console.error('teardown:', e));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const started = <T extends { stop(): Promise<void> }>(server: T) => (stops.push(() => server.stop()), server);
    const [postgres, temporal, bundle] = await Promise.all([
      freePort().then((port) => startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port })).then(started),
      freePort().then((port) => startTemporalDevServer({ port, logFile: path.join(dir, 'temporal.log') })).then(started),
      bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger }),
    ]);
    const db = connectDatabase(postgres.url);
    await migrateToLatest(db).finally(() => db.destroy());
    project.provide('databaseUrl', postgres.url);
    project.provide('temporalAddress', temporal.address);
    project.provide('workflowBundle', bundle.code);
    project.provide('serversDir', dir);
  } catch (error) {
    await teardown();
    // The tests that need these servers fail with this reason; none is skipped.
    throw new Error(`could not start the integration test servers: ${error instanceof Error ? error.message : String(error)}`);
  }
  return teardown;
}

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
