import { type Kysely, sql } from 'kysely';

/**
 * The merge engine's bookkeeping beyond the initial tables:
 * - `source_record`: tombstones (`deleted_at`, `deleted_run_id`) and child-entity parents
 *   (`parent_key`: the parent entity's key; `parent_source_key`: the record the child came from);
 * - `entity_redirect`: entities merged into another by identity (lineage of merged keys);
 * - `entity_seen`: when each entity was last seen upstream, kept apart from the entity tables so
 *   an unchanged rerun rewrites no entity row;
 * - `quarantine`: one row per (run, entity, stream, record) so a retried merge does not repeat it,
 *   and the reason categories for counting.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema.withSchema('tributary');
  await s
    .alterTable('source_record')
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('deleted_run_id', 'text')
    .addColumn('parent_key', 'text')
    .addColumn('parent_source_key', 'text')
    .execute();
  await s.createIndex('source_record_parent_source').on('source_record').columns(['entity', 'source', 'stream', 'parent_source_key']).where(sql.ref('parent_source_key'), 'is not', null).execute();
  await s.createIndex('source_record_parent_key').on('source_record').columns(['entity', 'parent_key']).where(sql.ref('parent_key'), 'is not', null).execute();

  await s
    .createTable('entity_redirect')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('from_key', 'text', (c) => c.notNull())
    .addColumn('to_key', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('merged_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('entity_redirect_pk', ['entity', 'from_key'])
    .execute();
  await s.createIndex('entity_redirect_to').on('entity_redirect').columns(['entity', 'to_key']).execute();

  await s
    .createTable('entity_seen')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_key', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'timestamptz', (c) => c.notNull())
    .addColumn('last_run_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('entity_seen_pk', ['entity', 'entity_key'])
    .execute();

  await s.alterTable('quarantine').addColumn('reasons', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`)).execute();
  await sql`delete from tributary.quarantine q using tributary.quarantine d
    where q.run_id = d.run_id and q.entity = d.entity and q.source = d.source and q.stream = d.stream and q.source_key = d.source_key and q.id < d.id`.execute(db);
  await s.createIndex('quarantine_record').on('quarantine').columns(['run_id', 'entity', 'source', 'stream', 'source_key']).unique().execute();
}

/** Drops what `up` added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  const s = db.schema.withSchema('tributary');
  await s.dropIndex('quarantine_record').ifExists().execute();
  await s.alterTable('quarantine').dropColumn('reasons').execute();
  await s.dropTable('entity_seen').ifExists().execute();
  await s.dropTable('entity_redirect').ifExists().execute();
  await s.dropIndex('source_record_parent_key').ifExists().execute();
  await s.dropIndex('source_record_parent_source').ifExists().execute();
  await s.alterTable('source_record').dropColumn('deleted_at').dropColumn('deleted_run_id').dropColumn('parent_key').dropColumn('parent_source_key').execute();
}
