// `npm run migrate`: brings the database at DATABASE_URL (or the embedded one's port) to the latest schema.
import { openDatabase } from '../lib/dependencies';
import { loadConfig } from '../lib/config';
import { log } from '../lib/log';
import { migrateToLatest } from './migrate';

const db = await openDatabase(loadConfig());
try {
  const applied = await migrateToLatest(db);
  log.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'the schema is up to date');
} finally {
  await db.destroy();
}
