import { type Kysely, sql } from 'kysely';

/**
 * Per-parent state of child streams. `fetch_parent` holds, per run, each parent whose children
 * were fetched: its record's hash and the highest child cursor seen. After the run's merge
 * commits it moves into `parent_state`, which the next run reads: a parent whose record is
 * unchanged is skipped (`parent.onlyChanged`), and an incremental child starts at its parent's
 * own watermark.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('tributary')
    .createTable('fetch_parent')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('parent_key', 'text', (c) => c.notNull())
    .addColumn('parent_hash', 'text', (c) => c.notNull())
    .addColumn('max_value', 'text')
    .addPrimaryKeyConstraint('fetch_parent_pk', ['run_id', 'source', 'stream', 'parent_key'])
    .execute();
  await db.schema
    .withSchema('tributary')
    .createTable('parent_state')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('parent_key', 'text', (c) => c.notNull())
    .addColumn('parent_hash', 'text', (c) => c.notNull())
    .addColumn('watermark', 'text')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('parent_state_pk', ['source', 'stream', 'parent_key'])
    .execute();
}

/** Drops the tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('tributary').dropTable('parent_state').execute();
  await db.schema.withSchema('tributary').dropTable('fetch_parent').execute();
}
