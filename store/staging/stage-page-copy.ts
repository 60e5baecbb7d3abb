import type { CompiledQuery, Kysely } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../database-schema.js';
import { STAGED_COPY_COLUMNS, stagedCopyText } from './staged-copy-text.js';
import { type StagedPage, type StagedRow, advanceCheckpointQuery, upsertStagedQuery } from './staging-statements.js';
import { CheckpointConflictError } from './checkpoint-conflict-error.js';
import type { DuplicateKeep, StreamRunKey } from './staging-types.js';
import { type ChangeFilter, type RunCompiled, withoutUnchanged } from './unchanged-records.js';

/** The part of pg's Pool that COPY staging needs: a client to hold for one transaction. */
export interface CopyPool {
  connect(): Promise<pg.PoolClient>;
}

/** SQLSTATE unique_violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * Stages consecutive pages on one client of `pool`, COPYing their records straight into
 * `tributary.staged_record` in the transaction that advances the checkpoint over them:
 *
 * ```sql
 * begin;                                  -- with lazyCommit: set local synchronous_commit = off
 * update tributary.fetch_checkpoint set pages = ... where ... and pages = $firstSeq - 1 returning stream_id;   -- no row: CheckpointConflictError
 * copy tributary.staged_record (stream_id, page_seq, source_key, payload, hash, fetched_at) from stdin;
 * commit;
 * ```
 *
 * When a record of the pages was already staged in the run (an earlier page held it), the COPY
 * fails on the run's unique key; the transaction is then rolled back and run again with an
 * upsert in place of the COPY, so the record keeps its row and takes the new version (or, with
 * `keep: 'first'`, keeps the old one).
 * `rows` (the pages' records) must have distinct keys. With a `filter`, records the last merge
 * already took in as they are are counted and not staged (`unchangedRecordsQuery`).
 */
export async function stagePagesWithCopy(
  pool: CopyPool,
  db: Kysely<Database>,
  key: StreamRunKey,
  pages: readonly StagedPage[],
  rows: readonly StagedRow[],
  keep: DuplicateKeep = 'last',
  filter?: ChangeFilter,
): Promise<void> {
  // Compiled before the first await: the caller may go on with the pages' cursor state.
  const advance = advanceCheckpointQuery(db, key, pages);
  const firstSeq = pages[0]!.seq;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const begin = pages[pages.length - 1]!.lazyCommit ? 'begin; set local synchronous_commit = off' : 'begin';
    const copied = await inTransaction(client, begin, async () => {
      const streamId = await advanceOrThrow(client, advance, key, firstSeq);
      const changed = await withoutUnchanged(runOn(client), db, key, streamId, rows, filter);
      if (changed.length === 0) return true;
      try {
        await copy(client, `copy tributary.staged_record ${STAGED_COPY_COLUMNS} from stdin`, stagedCopyText(streamId, changed));
        return true;
      } catch (err) {
        if ((err as { code?: string }).code === UNIQUE_VIOLATION) return false;
        throw err;
      }
    });
    if (copied) return;
    await inTransaction(client, begin, async () => {
      const streamId = await advanceOrThrow(client, advance, key, firstSeq);
      const changed = await withoutUnchanged(runOn(client), db, key, streamId, rows, filter);
      if (changed.length === 0) return;
      const upsert = upsertStagedQuery(db, streamId, changed, keep);
      await client.query(upsert.sql, upsert.parameters as unknown[]);
    });
  } catch (err) {
    // A connection that failed outside SQL (reset, protocol) must not go back to the pool.
    if ((err as { code?: unknown }).code === undefined) broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

// Runs a compiled statement on the client.
function runOn(client: pg.PoolClient): RunCompiled {
  return async <R>(query: CompiledQuery<R>) => (await client.query(query.sql, query.parameters as unknown[])).rows as R[];
}

// Advances the checkpoint and returns the stream's `stream_id`.
async function advanceOrThrow(client: pg.PoolClient, advance: CompiledQuery<{ stream_id: number }>, key: StreamRunKey, seq: number): Promise<number> {
  const result = await client.query<{ stream_id: number }>(advance.sql, advance.parameters as unknown[]);
  const row = result.rows[0];
  if (!row) throw new CheckpointConflictError(key, seq);
  return row.stream_id;
}

// Commits what `work` did, or rolls it back when it throws or returns false.
async function inTransaction(client: pg.PoolClient, begin: string, work: () => Promise<boolean | void>): Promise<boolean> {
  await client.query(begin);
  let ok: boolean;
  try {
    ok = (await work()) !== false;
  } catch (err) {
    await client.query('rollback');
    throw err;
  }
  await client.query(ok ? 'commit' : 'rollback');
  return ok;
}

function copy(client: pg.PoolClient, statement: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(statement));
    stream.on('error', reject);
    // pg-copy-streams emits 'finish' once the server has confirmed the COPY.
    stream.on('finish', resolve);
    stream.end(text);
  });
}
