import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// bigint ids come back as strings (they travel as strings through workflows anyway).
export function connectDatabase(url: string, options: { max?: number; queryTimeoutMs?: number } = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    // The API's pool gives up on a stalled query instead of leaving its request hanging.
    ...(options.queryTimeoutMs ? { query_timeout: options.queryTimeoutMs, statement_timeout: options.queryTimeoutMs } : {}),
  });
  // A dropped idle connection must not crash the process: pg re-connects on the next query.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
