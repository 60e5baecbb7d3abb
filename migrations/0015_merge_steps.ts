import { type Kysely, sql } from 'kysely';

/**
 * The steps of a partitioned merge. `merge_step` holds each committed step of a run's merge
 * (`prepare`, and one `write:<entity>:<partition>` per partition) with its result, written in
 * the step's own transaction: a retried step finds it and returns the result instead of doing
 * the work again. `merge_affected_key` lists, per run and entity, the keys whose rows the
 * partitions re-merge. Both are emptied when the run's merge is published.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('tributary')
    .createTable('merge_step')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addColumn('done_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('merge_step_pk', ['run_id', 'step'])
    .execute();
  await db.schema
    .withSchema('tributary')
    .createTable('merge_affected_key')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('merge_affected_key_pk', ['run_id', 'entity', 'entity_key'])
    .execute();
}

/** Drops the tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('tributary').dropTable('merge_affected_key').execute();
  await db.schema.withSchema('tributary').dropTable('merge_step').execute();
}
