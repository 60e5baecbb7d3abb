import { type RawBuilder, sql } from 'kysely';
import type { StreamRunKey } from './staging-types.js';

/**
 * A stream fetch's `stream_id` (the key of its records in `tributary.staged_record`), as a
 * scalar subquery on its checkpoint; null, so matching no staged record, when the stream has no
 * checkpoint (it staged nothing). Postgres runs it once per statement.
 *
 * ```sql
 * (select stream_id from tributary.fetch_checkpoint where run_id = $1 and source = $2 and stream = $3)
 * ```
 */
export function stagedStreamId(key: StreamRunKey): RawBuilder<number | null> {
  return sql<number | null>`(select stream_id from tributary.fetch_checkpoint where run_id = ${key.runId} and source = ${key.source} and stream = ${key.stream})`;
}
