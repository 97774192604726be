import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { sql, type Kysely } from 'kysely';
import { connectDatabase } from '../db/connect';
import type { Database } from '../db/schema';
import type { Config } from './config';
import { databaseUrlOf, temporalAddressOf } from './config';
import { log } from './log';
import { maskCredentials } from './mask-credentials';

/**
 * Connecting to what the product depends on. A dependency that is down at
 * start-up is waited for, with one clear line every few seconds, not a crash loop.
 */
async function waitUntil<T>(what: string, attempt: () => Promise<T>, timeoutMs = 5 * 60_000): Promise<T> {
  const started = Date.now();
  let lastSaid = 0;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await attempt();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (Date.now() - started > timeoutMs) throw new Error(`${what} is still unreachable after ${Math.round(timeoutMs / 1000)}s: ${reason}`);
      if (Date.now() - lastSaid > 5000) {
        log.warn({ dependency: what, reason }, `waiting for ${what}`);
        lastSaid = Date.now();
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

export async function openDatabase(config: Config, options: { queryTimeoutMs?: number } = {}): Promise<Kysely<Database>> {
  const url = databaseUrlOf(config);
  const db = connectDatabase(url, options);
  await waitUntil(`PostgreSQL at ${maskCredentials(url)}`, () => sql`select 1`.execute(db));
  return db;
}

export async function openTemporalClient(config: Config): Promise<Client> {
  const address = temporalAddressOf(config);
  const connection = await waitUntil(`Temporal at ${address}`, async () => {
    const c = await Connection.connect({ address, connectTimeout: 3000 });
    await c.workflowService.describeNamespace({ namespace: config.temporal.namespace });
    return c;
  });
  return new Client({ connection, namespace: config.temporal.namespace });
}

export async function openWorkerConnection(config: Config): Promise<NativeConnection> {
  const address = temporalAddressOf(config);
  return waitUntil(`Temporal at ${address}`, () => NativeConnection.connect({ address }));
}
