import { type Kysely, sql } from 'kysely';

/**
 * Alert de-duplication state: one row per alert key (pipeline, source.stream, reason), open
 * (`firing`) from the first failure until the condition clears, so one outage sends one alert.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('tributary')
    .createTable('alert_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('pipeline', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('stream', 'text')
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('firing', 'resolved')`))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_sent_at', 'timestamptz')
    .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('last_run_id', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('tributary').dropTable('alert_state').ifExists().execute();
}
