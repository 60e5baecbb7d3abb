import type { Kysely } from 'kysely';

/**
 * Runs know their whole data window (start as well as end), how they were started (schedule,
 * by hand, backfill, rerun) and, for a rerun, which run's staged records they merged again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('tributary')
    .alterTable('run')
    .addColumn('window_start', 'timestamptz')
    .addColumn('trigger', 'text')
    .addColumn('rerun_of', 'text')
    .execute();
  await db.schema.withSchema('tributary').createIndex('run_rerun_of').on('run').column('rerun_of').where('rerun_of', 'is not', null).execute();
}

/** Drops the columns again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('tributary').dropIndex('run_rerun_of').ifExists().execute();
  await db.schema.withSchema('tributary').alterTable('run').dropColumn('rerun_of').dropColumn('trigger').dropColumn('window_start').execute();
}
