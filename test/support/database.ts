import type { Kysely } from 'kysely';
import { inject } from 'vitest';
import { connectDatabase } from '../../db/connect';
import type { Database } from '../../db/schema';

/**
 * The test run's database (migrated by the global setup). Every test file
 * shares it, as every worker shares one in production: ticket numbers come
 * from it, and they must be unique on the one Temporal server the files share.
 */
export async function connectTestDatabase(): Promise<{ db: Kysely<Database>; url: string; close(): Promise<void> }> {
  const url = inject('databaseUrl');
  const db = connectDatabase(url);
  return { db, url, close: () => db.destroy() };
}
