import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';

/** What changed since the source's previous run. */
export interface SchemaRecordResult {
  /** The hash stored before this run, when there was one and it differs. */
  readonly driftedFrom?: string;
  readonly hash: string;
}

/**
 * Stores the introspected schema of a GraphQL source for a run and tells whether it changed
 * since the previous run. Idempotent per run: streams of one source (and retried attempts)
 * recording the same run get the same answer.
 */
export async function recordGraphqlSchema(db: Kysely<Database>, entry: { source: string; runId: string; hash: string; schema: object }): Promise<SchemaRecordResult> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('tributary.graphql_schema').selectAll().where('source', '=', entry.source).forUpdate().executeTakeFirst();
    if (!row) {
      await trx
        .insertInto('tributary.graphql_schema')
        .values({ source: entry.source, hash: entry.hash, previous_hash: null, schema: JSON.stringify(entry.schema), run_id: entry.runId, fetched_at: new Date() })
        .onConflict((oc) => oc.column('source').doNothing())
        .execute();
      return { hash: entry.hash };
    }
    if (row.run_id === entry.runId) {
      return row.previous_hash && row.previous_hash !== row.hash ? { hash: row.hash, driftedFrom: row.previous_hash } : { hash: row.hash };
    }
    await trx
      .updateTable('tributary.graphql_schema')
      .set({ hash: entry.hash, previous_hash: row.hash, schema: JSON.stringify(entry.schema), run_id: entry.runId, fetched_at: new Date() })
      .where('source', '=', entry.source)
      .execute();
    return row.hash !== entry.hash ? { hash: entry.hash, driftedFrom: row.hash } : { hash: entry.hash };
  });
}

/** The last introspected schema of a source, if any. */
export async function readGraphqlSchema(db: Kysely<Database>, source: string): Promise<{ hash: string; schema: object; fetchedAt: Date } | undefined> {
  const row = await db.selectFrom('tributary.graphql_schema').select(['hash', 'schema', 'fetched_at']).where('source', '=', source).executeTakeFirst();
  return row ? { hash: row.hash, schema: row.schema, fetchedAt: row.fetched_at } : undefined;
}
