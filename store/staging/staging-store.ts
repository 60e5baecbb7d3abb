import { parseJsonExact } from '../../core/exact-json.js';
import { type Kysely, sql } from 'kysely';
import { CheckpointConflictError } from './checkpoint-conflict-error.js';
import type { Database } from '../database-schema.js';
import { type CopyPool, stagePagesWithCopy } from './stage-page-copy.js';
import { announceStaged } from './staged-events.js';
import { ensureStagedStatistics } from './staged-statistics.js';
import { stagedStreamId } from './staged-stream.js';
import { type StagedPage, advanceCheckpointQuery, assertConsecutive, rowPerKey, upsertStagedQuery } from './staging-statements.js';
import type { DuplicateKeep, FetchCheckpoint, StreamRunKey } from './staging-types.js';
import { type ChangeFilter, withoutUnchanged } from './unchanged-records.js';

export { CheckpointConflictError } from './checkpoint-conflict-error.js';
export type { StagedPage } from './staging-statements.js';
export type { DuplicateKeep, FetchCheckpoint, StagedRecordInput, StreamRunKey } from './staging-types.js';
export type { ChangeFilter } from './unchanged-records.js';

/** The checkpoint of a stream's fetch, or undefined before its first page. */
export async function readCheckpoint(db: Kysely<Database>, key: StreamRunKey): Promise<FetchCheckpoint | undefined> {
  const row = await db
    .selectFrom('tributary.fetch_checkpoint')
    .selectAll()
    .where('run_id', '=', key.runId)
    .where('source', '=', key.source)
    .where('stream', '=', key.stream)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    pages: row.pages,
    records: row.records,
    state: row.state,
    done: row.done,
    reportedTotal: row.reported_total,
    paginationType: row.pagination_type,
    incomplete: row.incomplete,
    duplicates: row.duplicates,
    unchanged: row.unchanged,
  };
}

/**
 * Records how a finished fetch came out: the records it received under a key already staged
 * (`checkpoint.records` less the distinct keys staged) and why it is short of the upstream, if
 * it is. Returns the duplicate count. Idempotent: a retried activity counts the same again.
 */
export async function recordFetchOutcome(db: Kysely<Database>, key: StreamRunKey, outcome: { received: number; incomplete: string | null }): Promise<number> {
  const row = await db
    .updateTable('tributary.fetch_checkpoint as c')
    .set((eb) => ({
      incomplete: outcome.incomplete,
      // Records found unchanged were counted, not staged (a repeated unchanged record counts as unchanged twice, not as a duplicate).
      duplicates: sql<number>`${outcome.received}::int - ${eb.ref('c.unchanged')} - (select count(*) from tributary.staged_record r where r.stream_id = ${eb.ref('c.stream_id')})::int`,
    }))
    .where('c.run_id', '=', key.runId)
    .where('c.source', '=', key.source)
    .where('c.stream', '=', key.stream)
    .returning('duplicates')
    .executeTakeFirst();
  return row?.duplicates ?? 0;
}

/**
 * Stages one page's records and advances the checkpoint in one transaction, so after a crash
 * the fetch resumes exactly after the last staged page. See `stagePages`.
 */
export function stagePage(target: Kysely<Database> | StagingTarget, key: StreamRunKey, page: StagedPage): Promise<void> {
  return stagePages(target, key, [page]);
}

/** Where staged pages go: a database, and with `copyPool` (a pool of the same database) by COPY. */
export interface StagingTarget {
  readonly db: Kysely<Database>;
  /** Clients to COPY the records with (see `stagePagesWithCopy`); without it one upsert statement stages them. */
  readonly copyPool?: CopyPool | undefined;
}

/**
 * Stages consecutive pages' records and advances the checkpoint over them in one transaction,
 * so after a crash the fetch resumes exactly after the last staged page. The checkpoint only
 * advances from the page before the first; a concurrent (zombie) attempt gets a conflict
 * instead of staging the pages twice. A record seen twice in one run keeps its latest version
 * (and the place in staging order where it was first seen), or with `keep: 'first'` its first. Staging a few pages at a time
 * costs Postgres and the worker about a fifth less per record than a transaction per page.
 *
 * Given a target with a `copyPool` the records are COPYed straight into `tributary.staged_record`
 * (see `stagePagesWithCopy`, a fifth cheaper); otherwise one upsert runs (`upsertStagedQuery`).
 *
 * With a `filter` (`changeFilterOf`), only what changed is staged: a record the last merge took
 * in with the same payload under the same mappings is counted in the checkpoint's `unchanged`
 * and its entities marked seen, in the same transaction (`unchangedRecordsQuery`).
 */
export async function stagePages(target: Kysely<Database> | StagingTarget, key: StreamRunKey, pages: readonly StagedPage[], keep: DuplicateKeep = 'last', filter?: ChangeFilter): Promise<void> {
  const { db, copyPool } = 'selectFrom' in target ? { db: target, copyPool: undefined } : target;
  assertConsecutive(pages);
  const rows = rowPerKey(pages, keep);
  if (copyPool) {
    await stagePagesWithCopy(copyPool, db, key, pages, rows, keep, filter);
    announceStaged(key);
    return;
  }
  // Compiled before the first await: the caller may go on with the pages' cursor state.
  const advance = advanceCheckpointQuery(db, key, pages);
  await db.transaction().execute(async (trx) => {
    if (pages[pages.length - 1]!.lazyCommit) await sql`set local synchronous_commit = off`.execute(trx);
    const advanced = (await trx.executeQuery(advance)).rows[0];
    if (!advanced) throw new CheckpointConflictError(key, pages[0]!.seq);
    const changed = await withoutUnchanged(async (q) => (await trx.executeQuery(q)).rows, db, key, advanced.stream_id, rows, filter);
    if (changed.length > 0) await trx.executeQuery(upsertStagedQuery(db, advanced.stream_id, changed, keep));
  });
  announceStaged(key);
}

/** One staged record as read back for merging. */
export interface StagedRecord {
  readonly id: string;
  readonly sourceKey: string;
  readonly payload: unknown;
  readonly hash: string;
  readonly fetchedAt: Date;
}

/**
 * Reads a stream's staged records of a run in id order, `batchSize` at a time, without loading
 * them all (analyzing a staging table that never was first: see `ensureStagedStatistics`).
 */
export async function* readStagedRecords(db: Kysely<Database>, key: StreamRunKey, batchSize = 2000): AsyncGenerator<StagedRecord[]> {
  await ensureStagedStatistics(db);
  let after = '0';
  for (;;) {
    const rows = await db
      .selectFrom('tributary.staged_record')
      .select(['id', 'source_key', 'payload', 'hash', 'fetched_at'])
      .where('stream_id', '=', stagedStreamId(key))
      .where('id', '>', after)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return;
    yield rows.map((r) => ({ id: String(r.id), sourceKey: r.source_key, payload: parseJsonExact(r.payload), hash: r.hash, fetchedAt: r.fetched_at }));
    after = String(rows[rows.length - 1]!.id);
  }
}
