import { type Kysely, sql } from 'kysely';
import type { Database } from '../database-schema.js';

/**
 * Analyzes `tributary.staged_record` when it has never been analyzed (a new database's first
 * run, before autovacuum got to it). Without statistics the planner guesses that a stream holds
 * a fraction of a per cent of the table, and pages through a stream's records (`stream_id = $1`
 * and a key range, in key order, a batch at a time) with a bitmap scan of the whole rest of the
 * stream and a sort for every batch: quadratic in the stream. With any statistics, even stale
 * ones, it estimates a stream as the table over its number of streams and walks the index.
 * Outside a transaction: `analyze` holds its lock until commit.
 */
export async function ensureStagedStatistics(db: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ analyzed: boolean }>`
    select exists (select 1 from pg_stats where schemaname = 'tributary' and tablename = 'staged_record' and attname = 'stream_id') as analyzed`.execute(db);
  // Only the column the estimate needs: statistics on the payloads would sort thousands of long
  // texts (about half the time of a full analyze). Autovacuum analyzes the rest later.
  if (!rows[0]?.analyzed) await sql`analyze tributary.staged_record (stream_id)`.execute(db);
}
