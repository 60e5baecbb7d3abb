import type { Kysely } from 'kysely';

/**
 * What a finished stream fetch came short of: `incomplete` says why a fetch that ended has
 * fewer records than the upstream reported (or could not follow its `has_more`), and
 * `duplicates` how many records it received with a primary key it had already staged. Both are
 * set when the fetch ends, so a retried activity reports the same outcome.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('tributary').alterTable('fetch_checkpoint').addColumn('incomplete', 'text').addColumn('duplicates', 'integer').execute();
}

/** Drops the columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('tributary').alterTable('fetch_checkpoint').dropColumn('incomplete').dropColumn('duplicates').execute();
}
