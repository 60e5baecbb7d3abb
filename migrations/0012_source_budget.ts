import { type Kysely, sql } from 'kysely';

/**
 * A source's request budget shared by every worker process: the earliest time the next request
 * may start (`next_at`, spaced by `requestsPerSecond`) and a server-requested pause
 * (`paused_until`, from Retry-After or rate-limit headers). Concurrency slots are session
 * advisory locks, so they need no table and vanish with a dead worker's connection.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('tributary')
    .createTable('source_budget')
    .addColumn('source', 'text', (c) => c.primaryKey())
    .addColumn('next_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('paused_until', 'timestamptz')
    .execute();
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('tributary').dropTable('source_budget').execute();
}
