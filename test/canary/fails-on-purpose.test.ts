// Fails on purpose, and only ever runs inside the canary
// (test/integration/failing-test-fails-the-build.test.ts), which checks that
// a failing integration test on the real servers makes the whole run fail.
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { expect, inject, it } from 'vitest';

it('fails after reaching the real PostgreSQL and Temporal', async () => {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  const { rows } = await client.query('SELECT 1 AS one').finally(() => client.end());
  const temporal = await Connection.connect({ address: inject('temporalAddress') });
  await temporal.workflowService.describeNamespace({ namespace: 'default' }).finally(() => temporal.close());
  expect(rows[0].one, 'this canary must fail').toBe(2);
});
