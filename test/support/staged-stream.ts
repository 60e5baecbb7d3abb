import type { Kysely } from 'kysely';
import type { Database } from '../../store/database-schema.js';
import type { StreamRunKey } from '../../store/staging/staging-types.js';

/**
 * The `stream_id` of a stream fetch of a run, for tests that write `tributary.staged_record`
 * rows directly, counting `records` more on its checkpoint (as the fetch would): when the
 * stream has no checkpoint yet, a finished one is created.
 */
export async function ensureStagedStream(db: Kysely<Database>, key: StreamRunKey, records = 0): Promise<number> {
  const row = await db
    .insertInto('tributary.fetch_checkpoint')
    .values({ run_id: key.runId, source: key.source, stream: key.stream, pages: 1, records, state: null, done: true, reported_total: null, pagination_type: 'cursor', updated_at: new Date() })
    .onConflict((oc) => oc.columns(['run_id', 'source', 'stream']).doUpdateSet((eb) => ({ records: eb('tributary.fetch_checkpoint.records', '+', eb.ref('excluded.records')) })))
    .returning('stream_id')
    .executeTakeFirstOrThrow();
  return row.stream_id;
}
