import { type CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from './database-schema.js';
import type { FetchCheckpoint, StagedRecordInput, StreamRunKey } from './staging-types.js';

/** One page to stage: its sequence number in the stream, its records, and the checkpoint after it. */
export interface StagedPage {
  readonly seq: number;
  readonly records: readonly StagedRecordInput[];
  readonly fetchedAt: Date;
  readonly checkpoint: FetchCheckpoint;
  /**
   * Commit without waiting for the WAL to reach disk (`synchronous_commit = off`). Should the
   * Postgres server itself crash right after, the page and its checkpoint advance are lost
   * together and the fetch resumes before the page, so nothing is lost or staged twice; but the
   * caller must not tell anyone outside the database about the page before a durable commit
   * (a later page without this flag, which flushes every earlier commit too).
   */
  readonly lazyCommit?: boolean;
}

/**
 * The statement that advances a stream's checkpoint to `page`: the first page inserts it (and
 * affects no row when it exists), a later one updates it only from the page before. No affected
 * row means another attempt got there first. Compiled, so a Kysely transaction and a raw pg
 * client run the same SQL.
 *
 * ```sql
 * update tributary.fetch_checkpoint set pages = $1, records = $2, ... where run_id = $n and source = ... and pages = $seq - 1
 * ```
 */
export function advanceCheckpointQuery(db: Kysely<Database>, key: StreamRunKey, page: StagedPage): CompiledQuery {
  const cp = page.checkpoint;
  const values = {
    run_id: key.runId,
    source: key.source,
    stream: key.stream,
    pages: cp.pages,
    records: cp.records,
    state: cp.state === null ? null : JSON.stringify(cp.state),
    done: cp.done,
    reported_total: cp.reportedTotal,
    pagination_type: cp.paginationType,
    updated_at: page.fetchedAt,
  };
  if (page.seq === 1) return db.insertInto('tributary.fetch_checkpoint').values(values).onConflict((oc) => oc.doNothing()).compile();
  return db
    .updateTable('tributary.fetch_checkpoint')
    .set(values)
    .where('run_id', '=', key.runId)
    .where('source', '=', key.source)
    .where('stream', '=', key.stream)
    .where('pages', '=', page.seq - 1)
    .compile();
}

/**
 * The statement that stages `records` whatever the run staged before: a record already staged
 * in the run keeps its row (and its place in staging order) and takes the new version. The
 * records must have distinct keys (one statement cannot update a row twice). Payloads travel as
 * text and are cast to json, which keeps every escape (`json_to_recordset` would reject `\u0000`).
 *
 * ```sql
 * insert into tributary.staged_record (run_id, source, stream, page_seq, source_key, payload, hash, fetched_at)
 * select $1, $2, $3, $4, r.source_key, r.payload::json, r.hash, $5 from unnest($6::text[], $7::text[], $8::text[]) as r(source_key, payload, hash)
 * on conflict (run_id, source, stream, source_key) do update set payload = excluded.payload, ...
 * ```
 */
export function upsertStagedQuery(db: Kysely<Database>, key: StreamRunKey, page: StagedPage, records: readonly StagedRecordInput[]): CompiledQuery {
  return sql`
    insert into tributary.staged_record (run_id, source, stream, page_seq, source_key, payload, hash, fetched_at)
    select ${key.runId}, ${key.source}, ${key.stream}, ${page.seq}, r.source_key, r.payload::json, r.hash, ${page.fetchedAt}
    from unnest(${records.map((r) => r.sourceKey)}::text[], ${records.map((r) => r.payloadJson)}::text[], ${records.map((r) => r.hash)}::text[]) as r(source_key, payload, hash)
    on conflict (run_id, source, stream, source_key) do update
      set payload = excluded.payload, hash = excluded.hash, page_seq = excluded.page_seq, fetched_at = excluded.fetched_at
  `.compile(db);
}

/**
 * `records` with one record per source key: where a page holds a key twice, the later version
 * takes the earlier one's place (as it would had they come on two pages). Returns `records`
 * itself when its keys are distinct, as they nearly always are.
 */
export function latestPerKey(records: readonly StagedRecordInput[]): readonly StagedRecordInput[] {
  const keys = new Set<string>();
  for (const r of records) keys.add(r.sourceKey);
  if (keys.size === records.length) return records;
  const at = new Map<string, number>();
  const out: StagedRecordInput[] = [];
  for (const r of records) {
    const i = at.get(r.sourceKey);
    if (i === undefined) {
      at.set(r.sourceKey, out.length);
      out.push(r);
    } else {
      out[i] = r;
    }
  }
  return out;
}
