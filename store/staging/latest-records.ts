import { type Kysely, sql } from 'kysely';
import { streamKey } from '../../core/stream-key.js';
import type { Database } from '../database-schema.js';
import { stagedStreamId } from './staged-stream.js';
import type { StreamRunKey } from './staging-types.js';

/** Which of a stream run's staged records (by `staged_record.id`): those after `after` and up to `through`; all when both are left out. */
export interface StagedIdRange {
  readonly after?: string;
  readonly through?: string;
}

/**
 * Points `tributary.latest_record` at a stream's records staged in a run, once the run's merge
 * took them in: each record's hash, the fingerprint of the stream's mappings, and whether it
 * settled (a record the run quarantined, for any entity, is not settled, and is staged again by
 * every fetch until it maps); only those in `ids`, when given. Idempotent. Returns how many
 * records it recorded.
 *
 * ```sql
 * insert into tributary.latest_record (source, stream, source_key, hash, fingerprint, staged_stream_id, staged_id, settled, run_id, seen_at)
 * select $1, $2, r.source_key, r.hash, $3, r.stream_id, r.id, not exists (... quarantine of the run ...), $4, r.fetched_at
 * from tributary.staged_record r where r.stream_id = (...) on conflict (source, stream, source_key) do update set ...
 * ```
 */
export async function recordLatestRecords(db: Kysely<Database>, key: StreamRunKey, fingerprint: string, ids: StagedIdRange = {}): Promise<number> {
  const after = ids.after === undefined ? sql`` : sql` and r.id > ${ids.after}`;
  const through = ids.through === undefined ? sql`` : sql` and r.id <= ${ids.through}`;
  const result = await sql`
    insert into tributary.latest_record as l (source, stream, source_key, hash, fingerprint, staged_stream_id, staged_id, settled, run_id, seen_at)
    select ${key.source}, ${key.stream}, r.source_key, r.hash, ${fingerprint}, r.stream_id, r.id,
      not exists (select 1 from tributary.quarantine q where q.run_id = ${key.runId} and q.source = ${key.source} and q.stream = ${key.stream} and q.source_key = r.source_key),
      ${key.runId}, r.fetched_at
    from tributary.staged_record r where r.stream_id = ${stagedStreamId(key)}${after}${through}
    on conflict (source, stream, source_key) do update set hash = excluded.hash, fingerprint = excluded.fingerprint, staged_stream_id = excluded.staged_stream_id,
      staged_id = excluded.staged_id, settled = excluded.settled, run_id = excluded.run_id, seen_at = excluded.seen_at`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Forgets the latest payloads of records the upstream deleted (a deleted-records feed named
 * them): a rerun does not bring them back, and should they return, their next fetch stages them.
 */
export async function forgetLatestRecords(db: Kysely<Database>, ref: { source: string; stream: string }, sourceKeys: readonly string[]): Promise<void> {
  if (sourceKeys.length === 0) return;
  await sql`delete from tributary.latest_record where source = ${ref.source} and stream = ${ref.stream} and source_key = any(${sourceKeys}::text[])`.execute(db);
}

/** How many records of a stream have a latest payload. */
export async function countLatestRecords(db: Kysely<Database>, ref: { source: string; stream: string }): Promise<number> {
  return (await countLatestByStream(db, [ref])).get(streamKey(ref)) ?? 0;
}

/** How many records of each stream (`source.stream`) have a latest payload; streams with none are left out. */
export async function countLatestByStream(db: Kysely<Database>, streams: ReadonlyArray<{ source: string; stream: string }>): Promise<Map<string, number>> {
  if (streams.length === 0) return new Map();
  const result = await sql<{ source: string; stream: string; n: number }>`
    select l.source, l.stream, count(*)::int as n from tributary.latest_record l
    where (l.source, l.stream) in (select * from json_to_recordset(${JSON.stringify(streams)}::json) as s(source text, stream text))
    group by l.source, l.stream`.execute(db);
  return new Map(result.rows.map((r) => [streamKey(r), r.n]));
}

/** Whether any record of the stream has a latest payload (before its first merge, none has: nothing can be unchanged). */
export async function hasLatestRecords(db: Kysely<Database>, ref: { source: string; stream: string }): Promise<boolean> {
  const result = await sql<{ any: boolean }>`select exists (select 1 from tributary.latest_record where source = ${ref.source} and stream = ${ref.stream}) as any`.execute(db);
  return result.rows[0]?.any ?? false;
}
