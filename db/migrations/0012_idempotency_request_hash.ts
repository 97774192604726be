import type { Kysely } from 'kysely';

/**
 * Idempotency keys remember a hash of the request they answered (method, path,
 * body), so the same key with another body is refused instead of answered with
 * the first request's answer; and they expire (an index for sweeping old rows).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').addColumn('request_hash', 'text').execute();
  await db.schema.createIndex('idempotency_keys_created_at').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('idempotency_keys_created_at').execute();
  await db.schema.alterTable('idempotency_keys').dropColumn('request_hash').execute();
}
