import type { Kysely } from 'kysely';
import path from 'node:path';
import pg from 'pg';
import { connectDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import type { Database } from '../db/schema';
import { databaseUrlOf, type Config } from '../lib/config';
import { startEmbeddedPostgres } from '../scripts/devstack/embedded-postgres';

/**
 * The database the product uses: DATABASE_URL, or the embedded one on PG_PORT.
 * When the embedded one is not running (no `npm start`), it is started from
 * DATA_DIR for the duration of the command.
 */
export async function withDatabase<T>(config: Config, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const url = databaseUrlOf(config);
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!config.databaseUrl && !(await answers(url))) {
    const server = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'postgres'), port: config.embeddedPgPort });
    stopEmbedded = server.stop;
  }
  const db = connectDatabase(url, { max: 2 });
  try {
    await migrateToLatest(db);
    return await work(db);
  } finally {
    await db.destroy();
    await stopEmbedded?.();
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
