import type { Kysely } from 'kysely';

/**
 * `source_record.raw_hash`: which raw record (staged payload hash) under which mapping (config
 * fingerprint) a contribution was derived from, so a merge can skip staged records that would
 * map to the contribution it already has. Existing rows start without one and are re-mapped once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('tributary').alterTable('source_record').addColumn('raw_hash', 'text').execute();
}

/** Drops the column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('tributary').alterTable('source_record').dropColumn('raw_hash').execute();
}
