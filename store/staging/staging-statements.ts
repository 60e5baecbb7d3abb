import { type CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from '../database-schema.js';
import type { DuplicateKeep, FetchCheckpoint, StagedRecordInput, StreamRunKey } from './staging-types.js';

/**
 * One fetched page to stage: its sequence number in the stream, its records, and the checkpoint
 * after it. When several pages are staged in one transaction, the last one's checkpoint and
 * `lazyCommit` apply.
 */
export interface StagedPage {
  /** The page's number in the stream's fetch, from 1. */
  readonly seq: number;
  readonly records: readonly StagedRecordInput[];
  readonly fetchedAt: Date;
  /** Where the fetch stands once this page is staged. */
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

/** One record as staged: the record and the page it came on. */
export interface StagedRow {
  readonly seq: number;
  readonly fetchedAt: Date;
  readonly record: StagedRecordInput;
}

/**
 * Throws unless `pages` is a non-empty run of consecutive pages: one transaction stages them
 * and advances the checkpoint over all of them, so a gap would lose pages silently.
 */
export function assertConsecutive(pages: readonly StagedPage[]): void {
  if (pages.length === 0) throw new Error('no page to stage');
  pages.forEach((page, i) => {
    if (page.seq !== pages[0]!.seq + i) throw new Error(`pages staged together must be consecutive: page ${page.seq} follows page ${pages[i - 1]!.seq}`);
  });
}

/**
 * The statement that advances a stream's checkpoint over `pages` (consecutive) to the last
 * one's checkpoint: from page 1 it inserts the checkpoint (and affects no row when it exists),
 * otherwise it updates it only from the page before the first. It returns the stream's
 * `stream_id`, the key of its staged records; no row means another attempt got there first.
 * Compiled, so a Kysely transaction and a raw pg client run the same SQL.
 *
 * ```sql
 * update tributary.fetch_checkpoint set pages = $1, records = $2, ... where run_id = $n and source = ... and pages = $firstSeq - 1
 * returning stream_id
 * ```
 */
export function advanceCheckpointQuery(db: Kysely<Database>, key: StreamRunKey, pages: readonly StagedPage[]): CompiledQuery<{ stream_id: number }> {
  const first = pages[0]!;
  const last = pages[pages.length - 1]!;
  const cp = last.checkpoint;
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
    incomplete: cp.incomplete ?? null,
    updated_at: last.fetchedAt,
  };
  if (first.seq === 1) return db.insertInto('tributary.fetch_checkpoint').values(values).onConflict((oc) => oc.doNothing()).returning('stream_id').compile();
  return db
    .updateTable('tributary.fetch_checkpoint')
    .set(values)
    .where('run_id', '=', key.runId)
    .where('source', '=', key.source)
    .where('stream', '=', key.stream)
    .where('pages', '=', first.seq - 1)
    .returning('stream_id')
    .compile();
}

/**
 * The statement that stages `rows` of the stream fetch `streamId` (what advancing its
 * checkpoint returned) whatever the run staged before: a record already staged in the run
 * keeps its row (and its place in staging order) and takes the new version. The rows must have
 * distinct keys (one statement cannot update a row twice). Payloads travel as text (a
 * `json_to_recordset` of the rows would reject `\u0000` escapes).
 *
 * ```sql
 * insert into tributary.staged_record (stream_id, page_seq, source_key, payload, hash, fetched_at)
 * select $1, r.page_seq, r.source_key, r.payload, r.hash, r.fetched_at
 * from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) as r(page_seq, source_key, payload, hash, fetched_at)
 * on conflict (stream_id, source_key) do update set payload = excluded.payload, ...
 * ```
 */
export function upsertStagedQuery(db: Kysely<Database>, streamId: number, rows: readonly StagedRow[], keep: DuplicateKeep = 'last'): CompiledQuery {
  const onConflict =
    keep === 'first'
      ? sql`on conflict (stream_id, source_key) do nothing`
      : sql`on conflict (stream_id, source_key) do update
      set payload = excluded.payload, hash = excluded.hash, page_seq = excluded.page_seq, fetched_at = excluded.fetched_at`;
  return sql`
    insert into tributary.staged_record (stream_id, page_seq, source_key, payload, hash, fetched_at)
    select ${streamId}::int, r.page_seq, r.source_key, r.payload, r.hash, r.fetched_at
    from unnest(
      ${rows.map((r) => r.seq)}::int[], ${rows.map((r) => r.record.sourceKey)}::text[], ${rows.map((r) => r.record.payloadJson)}::text[],
      ${rows.map((r) => r.record.hash)}::text[], ${rows.map((r) => r.fetchedAt.toISOString())}::timestamptz[]
    ) as r(page_seq, source_key, payload, hash, fetched_at)
    ${onConflict}
  `.compile(db);
}

/**
 * The records of `pages` as rows with one row per source key: where the pages hold a key twice,
 * the later version takes the earlier one's place (as it would had they been staged one page
 * at a time), or with `keep: 'first'` the earlier one stays.
 */
export function rowPerKey(pages: readonly StagedPage[], keep: DuplicateKeep = 'last'): StagedRow[] {
  const rows: StagedRow[] = [];
  const at = new Map<string, number>();
  for (const page of pages) {
    for (const record of page.records) {
      const row = { seq: page.seq, fetchedAt: page.fetchedAt, record };
      const i = at.get(record.sourceKey);
      if (i === undefined) {
        at.set(record.sourceKey, rows.length);
        rows.push(row);
      } else if (keep === 'last') {
        rows[i] = row;
      }
    }
  }
  return rows;
}
