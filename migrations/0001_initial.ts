import { type Kysely, sql } from 'kysely';

/** Runs, staged raw records, fetch checkpoints, source contributions, identity links, quarantine. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema.withSchema('tributary');
  await s
    .createTable('run')
    .addColumn('run_id', 'text', (c) => c.primaryKey())
    .addColumn('pipeline', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('window_end', 'timestamptz', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('summary', 'jsonb')
    .addColumn('error', 'text')
    .execute();
  await s.createIndex('run_pipeline_started').on('run').columns(['pipeline', 'started_at']).execute();

  await s
    .createTable('staged_record')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('page_seq', 'integer', (c) => c.notNull())
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('staged_record_key', ['run_id', 'source', 'stream', 'source_key'])
    .execute();

  await s
    .createTable('fetch_checkpoint')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('pages', 'integer', (c) => c.notNull())
    .addColumn('records', 'integer', (c) => c.notNull())
    .addColumn('state', 'jsonb')
    .addColumn('done', 'boolean', (c) => c.notNull())
    .addColumn('reported_total', 'integer')
    .addColumn('pagination_type', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('fetch_checkpoint_pk', ['run_id', 'source', 'stream'])
    .execute();

  await s
    .createTable('source_record')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('entity_key', 'text', (c) => c.notNull())
    .addColumn('values', 'jsonb', (c) => c.notNull())
    .addColumn('source_updated_at', 'timestamptz')
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('source_record_pk', ['entity', 'source', 'stream', 'source_key'])
    .execute();
  await s.createIndex('source_record_entity_key').on('source_record').columns(['entity', 'entity_key']).execute();

  await s
    .createTable('identity_link')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('match_field', 'text', (c) => c.notNull())
    .addColumn('match_value', 'text', (c) => c.notNull())
    .addColumn('entity_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('identity_link_pk', ['entity', 'match_field', 'match_value'])
    .execute();

  await s
    .createTable('quarantine')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('source_key', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s.createIndex('quarantine_run').on('quarantine').column('run_id').execute();
}

/** Drops everything the migration created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['quarantine', 'identity_link', 'source_record', 'fetch_checkpoint', 'staged_record', 'run']) {
    await db.schema.withSchema('tributary').dropTable(t).ifExists().execute();
  }
}
