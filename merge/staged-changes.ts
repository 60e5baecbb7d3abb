import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/database-schema.js';
import type { StagedRecord, StreamRunKey } from '../store/staging-store.js';
import { rawHashSql } from './mapping-fingerprint.js';

/** Which staged records to read, and which to leave out because their contribution is current. */
export interface StagedChangesQuery extends StreamRunKey {
  /**
   * Leave out records whose live contribution to `entity` was mapped from the same payload under
   * the same mapping (`fingerprint`); without it every staged record is read.
   */
  readonly unchangedIn?: { readonly entity: string; readonly fingerprint: string };
  readonly batchSize?: number;
}

/**
 * Reads a stream's staged records of a run in source-key order, a batch at a time, without the
 * records that would map to the contribution already stored. Each next batch is requested
 * before the current one is handed out, so Postgres reads it while the caller maps the current
 * one (on a transaction the query waits its turn behind the caller's earlier statements).
 *
 * ```sql
 * select r.id, r.source_key, r.payload, r.hash, r.fetched_at from tributary.staged_record r
 * where r.run_id = $1 and r.source = $2 and r.stream = $3 and r.source_key > $4
 *   and not exists (select 1 from tributary.source_record s where s.entity = $5 and ... and s.source_key = r.source_key
 *                   and s.deleted_at is null and s.raw_hash = md5(r.hash || $6) offset 0)
 * order by r.source_key limit $7
 * ```
 */
export async function* readStagedChanges(db: Kysely<Database>, q: StagedChangesQuery): AsyncGenerator<StagedRecord[]> {
  const size = q.batchSize ?? 2000;
  let next = readBatch(db, q, null, size);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) return;
    next = rows.length < size ? Promise.resolve([]) : readBatch(db, q, rows[rows.length - 1]!.sourceKey, size);
    // The caller may stop early (an error in its batch); the read ahead must not then go unhandled.
    next.catch(() => undefined);
    yield rows;
  }
}

async function readBatch(db: Kysely<Database>, q: StagedChangesQuery, after: string | null, size: number): Promise<StagedRecord[]> {
  const u = q.unchangedIn;
  // Pages follow the (run_id, source, stream, source_key) index: each batch is one range scan that
  // stops at `size` rows. In id order the planner scans the stream's remaining rows through that
  // same index and sorts them for every batch, which grows quadratically with the stream. The
  // merge does not depend on the order records come in.
  const from = after === null ? sql`` : sql`and r.source_key > ${after}`;
  // `offset 0` keeps the probe a per-row index lookup on source_record's primary key: flattened
  // into an anti-join, an unanalyzed source_record (a first load) may be hashed whole per batch.
  const unchanged = u
    ? sql`and not exists (
        select 1 from tributary.source_record s
        where s.entity = ${u.entity} and s.source = ${q.source} and s.stream = ${q.stream} and s.source_key = r.source_key
          and s.deleted_at is null and s.raw_hash = ${rawHashSql(sql`r.hash`, u.fingerprint)}
        offset 0)`
    : sql``;
  const rows = await sql<{ id: string; source_key: string; payload: unknown; hash: string; fetched_at: Date }>`
    select r.id, r.source_key, r.payload, r.hash, r.fetched_at from tributary.staged_record r
    where r.run_id = ${q.runId} and r.source = ${q.source} and r.stream = ${q.stream} ${from} ${unchanged}
    order by r.source_key limit ${size}`.execute(db);
  return rows.rows.map((r) => ({ id: String(r.id), sourceKey: r.source_key, payload: r.payload, hash: r.hash, fetchedAt: r.fetched_at }));
}
