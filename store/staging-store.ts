import { type Kysely, sql } from 'kysely';
import type { Database } from './database-schema.js';

/** Identifies one stream's fetch within a run. */
export interface StreamRunKey {
  readonly runId: string;
  readonly source: string;
  readonly stream: string;
}

/** A record ready to stage. */
export interface StagedRecordInput {
  readonly sourceKey: string;
  /** The raw record as JSON text (serialized once, hashed and stored as is). */
  readonly payloadJson: string;
  readonly hash: string;
}

/** Where a stream's fetch stands. */
export interface FetchCheckpoint {
  readonly pages: number;
  readonly records: number;
  readonly state: Record<string, unknown> | null;
  readonly done: boolean;
  readonly reportedTotal: number | null;
  readonly paginationType: string;
}

/** Thrown when another attempt already staged the page: this attempt must stop, not stage twice. */
export class CheckpointConflictError extends Error {
  /** Stable error code. */
  readonly code = 'CHECKPOINT_CONFLICT';
  constructor(key: StreamRunKey, page: number) {
    super(`page ${page} of ${key.source}.${key.stream} in run ${key.runId} was already staged by another attempt`);
    this.name = 'CheckpointConflictError';
  }
}

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
  return { pages: row.pages, records: row.records, state: row.state, done: row.done, reportedTotal: row.reported_total, paginationType: row.pagination_type };
}

/**
 * Stages one page's records and advances the checkpoint in one transaction, so after a crash
 * the fetch resumes exactly after the last staged page. The checkpoint only advances from the
 * page count this attempt started from; a concurrent (zombie) attempt gets a conflict instead
 * of staging the page twice. A record seen twice in one run keeps its latest version.
 *
 * ```sql
 * insert into tributary.staged_record (run_id, source, stream, page_seq, source_key, payload, hash, fetched_at)
 * select $1, $2, $3, $4, r.source_key, r.payload, r.hash, $5 from jsonb_to_recordset($6::jsonb) as r(source_key text, payload jsonb, hash text)
 * on conflict (run_id, source, stream, source_key) do update set payload = excluded.payload, ...
 * ```
 */
export async function stagePage(
  db: Kysely<Database>,
  key: StreamRunKey,
  page: { seq: number; records: readonly StagedRecordInput[]; fetchedAt: Date; checkpoint: FetchCheckpoint },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
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
    const advanced =
      page.seq === 1
        ? await trx.insertInto('tributary.fetch_checkpoint').values(values).onConflict((oc) => oc.doNothing()).executeTakeFirst()
        : await trx
            .updateTable('tributary.fetch_checkpoint')
            .set(values)
            .where('run_id', '=', key.runId)
            .where('source', '=', key.source)
            .where('stream', '=', key.stream)
            .where('pages', '=', page.seq - 1)
            .executeTakeFirst();
    const changed = 'numInsertedOrUpdatedRows' in advanced ? advanced.numInsertedOrUpdatedRows : advanced.numUpdatedRows;
    if (!changed) throw new CheckpointConflictError(key, page.seq);
    if (page.records.length === 0) return;
    // The payload is embedded as JSON text, so each record is serialized exactly once.
    const batch = `[${page.records.map((r) => `{"source_key":${JSON.stringify(r.sourceKey)},"hash":"${r.hash}","payload":${r.payloadJson}}`).join(',')}]`;
    await sql`
      insert into tributary.staged_record (run_id, source, stream, page_seq, source_key, payload, hash, fetched_at)
      select ${key.runId}, ${key.source}, ${key.stream}, ${page.seq}, r.source_key, r.payload, r.hash, ${page.fetchedAt}
      from jsonb_to_recordset(${batch}::jsonb) as r(source_key text, payload jsonb, hash text)
      on conflict (run_id, source, stream, source_key) do update
        set payload = excluded.payload, hash = excluded.hash, page_seq = excluded.page_seq, fetched_at = excluded.fetched_at
    `.execute(trx);
  });
}

/** One staged record as read back for merging. */
export interface StagedRecord {
  readonly id: string;
  readonly sourceKey: string;
  readonly payload: unknown;
  readonly hash: string;
  readonly fetchedAt: Date;
}

/** Reads a stream's staged records of a run in id order, `batchSize` at a time, without loading them all. */
export async function* readStagedRecords(db: Kysely<Database>, key: StreamRunKey, batchSize = 2000): AsyncGenerator<StagedRecord[]> {
  let after = '0';
  for (;;) {
    const rows = await db
      .selectFrom('tributary.staged_record')
      .select(['id', 'source_key', 'payload', 'hash', 'fetched_at'])
      .where('run_id', '=', key.runId)
      .where('source', '=', key.source)
      .where('stream', '=', key.stream)
      .where('id', '>', after)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return;
    yield rows.map((r) => ({ id: String(r.id), sourceKey: r.source_key, payload: r.payload, hash: r.hash, fetchedAt: r.fetched_at }));
    after = String(rows[rows.length - 1]!.id);
  }
}
