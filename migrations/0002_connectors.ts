import type { Kysely } from 'kysely';

/**
 * Connector state: rotated OAuth2 refresh tokens (one row per source), cached GraphQL schemas
 * (for drift detection), incremental watermarks, and per-run incremental cursors.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema.withSchema('tributary');
  await s
    .createTable('oauth_token')
    .addColumn('source', 'text', (c) => c.primaryKey())
    .addColumn('refresh_token', 'text', (c) => c.notNull())
    .addColumn('initial_hash', 'text', (c) => c.notNull())
    .addColumn('access_token', 'text')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await s
    .createTable('graphql_schema')
    .addColumn('source', 'text', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('previous_hash', 'text')
    .addColumn('schema', 'jsonb', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await s
    .createTable('watermark')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('watermark_pk', ['source', 'stream'])
    .execute();

  await s
    .createTable('fetch_cursor')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('start_value', 'text')
    .addColumn('max_value', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('fetch_cursor_pk', ['run_id', 'source', 'stream'])
    .execute();
}

/** Drops everything the migration created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['fetch_cursor', 'watermark', 'graphql_schema', 'oauth_token']) {
    await db.schema.withSchema('tributary').dropTable(t).ifExists().execute();
  }
}
