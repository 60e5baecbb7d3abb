import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/database-schema.js';
import type { StreamRunKey } from '../store/staging-store.js';
import { rawHashSql } from './mapping-fingerprint.js';

/**
 * How far `entity_seen.last_seen` must move before its row is rewritten: reruns closer together
 * than this leave the row (and its `last_run_id`) as it is, so a burst of unchanged reruns
 * rewrites nothing. Last seen is thus exact to within this interval.
 */
export const SEEN_PRECISION = sql`interval '1 hour'`;

/** A stream's staged records of a run, seen for one entity under one mapping. */
export interface StreamSeen extends StreamRunKey {
  readonly entity: string;
  readonly fingerprint: string;
  /** The merging run (a rerun marks entities seen by itself, as of the staged fetch times). */
  readonly mergeRunId: string;
}

/**
 * Marks seen (`tributary.entity_seen`), in one statement inside Postgres, every entity that a
 * stream's staged record of the run now contributes to: each record whose live contribution was
 * mapped from that very payload, whether this merge stored it or skipped it as unchanged.
 * Tombstones and quarantined records have no such contribution and mark nothing. Last seen is
 * the latest fetch time of the entity's records; it never moves back, and moves on only by at
 * least `SEEN_PRECISION`.
 *
 * ```sql
 * insert into tributary.entity_seen (entity, entity_key, last_seen, last_run_id)
 * select $entity, s.entity_key, max(r.fetched_at), $run from tributary.staged_record r
 *   join lateral (select entity_key from tributary.source_record s where ... and s.raw_hash = md5(r.hash || $fp)) s
 * group by s.entity_key
 * on conflict (entity, entity_key) do update set last_seen = excluded.last_seen, last_run_id = excluded.last_run_id
 *   where excluded.last_seen >= e.last_seen + interval '1 hour'
 * ```
 */
export async function markStreamSeen(db: Kysely<Database>, q: StreamSeen): Promise<void> {
  // `offset 0`: one primary-key probe per staged record, whatever the (possibly absent) statistics say.
  await sql`
    with seen as (
      select c.entity_key, max(st.fetched_at) as at from tributary.staged_record st
      cross join lateral (
        select s.entity_key from tributary.source_record s
        where s.entity = ${q.entity} and s.source = ${q.source} and s.stream = ${q.stream} and s.source_key = st.source_key
          and s.deleted_at is null and s.raw_hash = ${rawHashSql(sql`st.hash`, q.fingerprint)}
        offset 0) c
      where st.run_id = ${q.runId} and st.source = ${q.source} and st.stream = ${q.stream}
      group by c.entity_key
    )
    insert into tributary.entity_seen as e (entity, entity_key, last_seen, last_run_id)
    select ${q.entity}, entity_key, at, ${q.mergeRunId} from seen
    on conflict (entity, entity_key) do update set last_seen = excluded.last_seen, last_run_id = excluded.last_run_id
      where excluded.last_seen >= e.last_seen + ${SEEN_PRECISION}`.execute(db);
}

/** How many records a stream staged in a run. */
export async function countStaged(db: Kysely<Database>, q: StreamRunKey): Promise<number> {
  const result = await sql<{ n: number }>`
    select count(*)::int as n from tributary.staged_record where run_id = ${q.runId} and source = ${q.source} and stream = ${q.stream}`.execute(db);
  return result.rows[0]?.n ?? 0;
}
