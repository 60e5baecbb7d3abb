import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/database-schema.js';
import { stagedStreamId } from '../../store/staging/staged-stream.js';
import { type StreamRunKey, readCheckpoint } from '../../store/staging/staging-store.js';

/**
 * A staged record as the merge reads it: the payload still as JSON text. A batch and the batch
 * read ahead of it stay in memory while the current one is merged; parsed up front, their
 * payloads (several times the text's size as objects) outlive the worker's young generation and
 * are copied and promoted by every scavenge. Parsed one record at a time, each is garbage before
 * the next is parsed.
 */
export interface StagedChange {
  readonly id: string;
  readonly sourceKey: string;
  /** The record as fetched, JSON text (parse it where it is mapped). */
  readonly payloadJson: string;
  readonly hash: string;
  readonly fetchedAt: Date;
}

/** Which staged records to read. */
export interface StagedChangesQuery extends StreamRunKey {
  /**
   * Read only the records `markStreamSeen` listed as not unchanged (in `merge_changed`, in this
   * transaction); without it every staged record is read.
   */
  readonly changedOnly?: boolean;
  /** Read the stream's latest payloads (`tributary.latest_record`), whichever run staged them, instead of the run's staged records. */
  readonly latest?: boolean;
  /**
   * Read only the records staged with an `id` in this range (`after` exclusive, `through`
   * inclusive), in `id` (staging) order: what a merge during the fetch takes at a time.
   */
  readonly ids?: { readonly after: string; readonly through: string };
  /** Records per batch (default 2,000). */
  readonly batchSize?: number;
}

/**
 * Reads a stream's staged records of a run in source-key order (in an `ids` range: in id order), a
 * batch at a time, optionally only the changed ones. Each next batch is requested before the current one is handed out, so
 * Postgres reads it while the caller maps the current one (on a transaction the query waits its
 * turn behind the caller's earlier statements).
 *
 * ```sql
 * select r.id, r.source_key, r.payload, r.hash, r.fetched_at from tributary.staged_record r
 * where r.stream_id = (select stream_id from tributary.fetch_checkpoint where run_id = $1 and ...) and r.source_key > $4
 * order by r.source_key limit $5
 * -- changedOnly: driven by merge_changed's keys in order, each probing staged_record's primary key by id
 * -- latest: driven by latest_record's keys of the stream in order, each probing staged_record's primary key
 * ```
 */
export async function* readStagedChanges(db: Kysely<Database>, q: StagedChangesQuery): AsyncGenerator<StagedChange[]> {
  const size = q.batchSize ?? 2000;
  let next = readBatch(db, q, null, size);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!;
    next = rows.length < size ? Promise.resolve([]) : readBatch(db, q, q.ids ? last.id : last.sourceKey, size);
    // The caller may stop early (an error in its batch); the read ahead must not then go unhandled.
    next.catch(() => undefined);
    yield rows;
  }
}

async function readBatch(db: Kysely<Database>, q: StagedChangesQuery, after: string | null, size: number): Promise<StagedChange[]> {
  const columns = sql`r.id, r.source_key, r.payload, r.hash, r.fetched_at`;
  const stream = sql`r.stream_id = ${stagedStreamId(q)}`;
  // Pages follow a source-key index: each batch is one range scan that stops at `size` rows. In id
  // order the planner would scan the stream's remaining rows and sort them for every batch, which
  // grows quadratically with the stream. The merge does not depend on the order records come in.
  const rows = q.ids
    ? // One range of the staged primary key (stream, id): the rows a fetch staged since the last look.
      await sql<StagedRow>`
        select ${columns} from tributary.staged_record r
        where ${stream} and r.id > ${after ?? q.ids.after} and r.id <= ${q.ids.through}
        order by r.id limit ${size}`.execute(db)
    : q.latest
    ? // Each latest payload is one probe of the staged primary key, in the latest records' key order.
      await sql<StagedRow>`
        select ${columns} from tributary.latest_record l
        cross join lateral (select ${columns} from tributary.staged_record r where r.stream_id = l.staged_stream_id and r.id = l.staged_id offset 0) r
        where l.source = ${q.source} and l.stream = ${q.stream} ${after === null ? sql`` : sql`and l.source_key > ${after}`}
        order by l.source_key limit ${size}`.execute(db)
    : q.changedOnly
    ? // Only the changed records, each one probe of the staged primary key (by `id`, which no other
      // index has, so no plan can scan the stream instead; `offset 0` keeps it a probe): the work
      // follows the number of changes, not the size of the stream.
      await sql<StagedRow>`
        select ${columns} from merge_changed c
        cross join lateral (select ${columns} from tributary.staged_record r where ${stream} and r.id = c.id offset 0) r
        where ${after === null ? sql`true` : sql`c.source_key > ${after}`}
        order by c.source_key limit ${size}`.execute(db)
    : await sql<StagedRow>`
        select ${columns} from tributary.staged_record r
        where ${stream} ${after === null ? sql`` : sql`and r.source_key > ${after}`}
        order by r.source_key limit ${size}`.execute(db);
  return rows.rows.map((r) => ({ id: String(r.id), sourceKey: r.source_key, payloadJson: r.payload, hash: r.hash, fetchedAt: r.fetched_at }));
}

interface StagedRow {
  readonly id: string;
  readonly source_key: string;
  /** JSON text. */
  readonly payload: string;
  readonly hash: string;
  readonly fetched_at: Date;
}

/**
 * How many records the stream's fetch found unchanged since the last merge and did not stage
 * (`fetch_checkpoint.unchanged`): they count as read and unchanged. None when the merge reads
 * latest payloads instead of a run's staging.
 */
export async function unchangedAtFetch(db: Kysely<Database>, q: StreamRunKey & { readonly fromLatest?: boolean | undefined }): Promise<number> {
  if (q.fromLatest) return 0;
  return (await readCheckpoint(db, q))?.unchanged ?? 0;
}
