import { type Kysely, sql } from 'kysely';

/**
 * The latest raw payload of every source record a merge has taken in. `latest_record` points at
 * the staged row holding the record's bytes as last fetched (`staged_stream_id`, `staged_id`: its primary key), with its hash and the
 * fingerprint of the stream's mappings it was merged under; `settled` is false while the record
 * sits in quarantine. A fetch stages only records whose hash or mappings differ from it (the
 * others are counted in `fetch_checkpoint.unchanged`), and `rerun` recomputes entities from it.
 * Retention keeps the staged rows it points at.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('tributary')
    .createTable('latest_record')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('staged_stream_id', 'integer', (c) => c.notNull())
    .addColumn('staged_id', 'bigint', (c) => c.notNull())
    .addColumn('settled', 'boolean', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('latest_record_pk', ['source', 'stream', 'source_key'])
    .execute();
  await sql`alter table tributary.fetch_checkpoint add column unchanged integer not null default 0`.execute(db);
}

/** Drops the table and the column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table tributary.fetch_checkpoint drop column unchanged`.execute(db);
  await db.schema.withSchema('tributary').dropTable('latest_record').execute();
}
