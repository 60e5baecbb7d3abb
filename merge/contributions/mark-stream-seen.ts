import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/database-schema.js';
import { stagedStreamId } from '../../store/staging/staged-stream.js';
import { type StreamRunKey, readCheckpoint } from '../../store/staging/staging-store.js';
import { rawHashSql } from '../map/raw-hash.js';
import { withPlannerSettings } from '../planner-settings.js';
import { SEEN_ON_CONFLICT, SEEN_PRECISION } from '../../store/entity-seen.js';


/**
 * How many `entity_seen` rows of the entity, per staged record of the stream, a merge join may
 * walk instead of probing the entity's row once per entity the stream saw. A probe costs several
 * times a step of the walk (about 8 against 2 µs, sorting included, at a million records); the
 * walk reads every row of the entity, so it pays only when the stream covers a good part of it.
 */
export const SEEN_WALK_RATIO = 4;

// Staged records and contributions, both read in source-key order, meet in a merge join.
const JOIN_BY_SOURCE_KEY = { enable_nestloop: 'off', enable_hashjoin: 'off', enable_seqscan: 'off' } as const;

/** A stream's staged records of a run, seen for one entity under one mapping. */
export interface StreamSeen extends StreamRunKey {
  readonly entity: string;
  readonly fingerprint: string;
  /** The merging run (a rerun marks entities seen by itself, as of the staged fetch times). */
  readonly mergeRunId: string;
  /**
   * How to find the entities' `entity_seen` rows: `walk` the entity's rows in key order beside
   * the stream's sorted entity keys, or `probe` one row per entity. Chosen by size when not
   * given (`SEEN_WALK_RATIO`); both mark the same rows.
   */
  readonly lookup?: 'walk' | 'probe';
}

/** What `markStreamSeen` found: the stream's staged records of the run, and how many of them are unchanged. */
export interface StreamSeenCounts {
  readonly staged: number;
  readonly unchanged: number;
}

/**
 * Marks seen (`tributary.entity_seen`), in one statement inside Postgres, every entity that a
 * stream's unchanged staged records of the run contribute to: each record whose live
 * contribution was mapped from that very payload under the same mapping. The other records'
 * keys (new, changed, tombstones, quarantined) go into `merge_changed` for the merge to read.
 * Last seen is the latest fetch time of the entity's records; it never moves back, and moves on
 * only by at least `SEEN_PRECISION` past its seen row and its contributions' fetch times (a
 * first load writes no seen row). Returns how many records the stream staged, and how many of
 * them are unchanged.
 *
 * ```sql
 * insert into tributary.entity_seen (entity, entity_key, last_seen, last_run_id)
 * select $entity, g.entity_key, g.last_seen, $run from (
 *   select s.entity_key, max(r.fetched_at) as last_seen, max(s.fetched_at) as contributed from tributary.staged_record r
 *   join tributary.source_record s on ... and s.source_key = r.source_key and s.raw_hash = md5(r.hash || $fp)
 *   where r.stream_id = (select stream_id from tributary.fetch_checkpoint where run_id = $run and ...)
 *   group by s.entity_key) g
 * where greatest(the entity's entity_seen.last_seen, g.contributed) + interval '1 hour' <= g.last_seen
 * on conflict (entity, entity_key) do update set last_seen = excluded.last_seen, last_run_id = excluded.last_run_id
 *   where excluded.last_seen >= e.last_seen + interval '1 hour'
 * ```
 */
export async function markStreamSeen(db: Kysely<Database>, q: StreamSeen): Promise<StreamSeenCounts> {
  // merge_changed (dropped at commit): the staged records found not unchanged (new, changed,
  // withdrawn or quarantined before), by source key and staged `id`, for `readStagedChanges`.
  await sql`create temp table if not exists merge_changed (source_key text primary key, id bigint not null) on commit drop`.execute(db);
  await sql`truncate merge_changed`.execute(db);
  const lookup = q.lookup ?? (await chooseSeenLookup(db, q));
  // The stream's staged records and its contributions are both indexed by source key: one merge
  // join walks the two index ranges side by side, about three times cheaper than probing the
  // contributions' key once per staged record. Without statistics (the tables were just written)
  // the planner would pick those probes, or hash a whole table, so the other plans are ruled out.
  // A walk of `entity_seen` sorts the entities once, then groups and joins them in that order; a
  // bitmap scan would give up the contributions' index order for a sort of its own.
  const planner =
    lookup === 'walk'
      ? ({ ...JOIN_BY_SOURCE_KEY, enable_sort: 'on', enable_hashagg: 'off', enable_bitmapscan: 'off' } as const)
      : ({ ...JOIN_BY_SOURCE_KEY, enable_sort: 'off' } as const);
  // With the latest fetch time its contributions of this stream hold: a first load wrote no seen row.
  const seen = sql`(select entity_key, max(fetched_at) as last_seen, max(contributed) as contributed from joined where entity_key is not null group by entity_key) g`;
  // Rows that would not move are left out before the upsert: `on conflict do update` locks every
  // conflicting row even when its `where` is false, a WAL-logged heap write per entity on every
  // unchanged rerun (a read-only look at the row instead: 7.1 s -> 6.3 s at 1M).
  const moving =
    lookup === 'walk'
      ? sql`from ${seen} left join tributary.entity_seen x on x.entity = ${q.entity} and x.entity_key = g.entity_key
        where greatest(x.last_seen, g.contributed) + ${SEEN_PRECISION} <= g.last_seen`
      : sql`from ${seen}
        where greatest((select x.last_seen from tributary.entity_seen x where x.entity = ${q.entity} and x.entity_key = g.entity_key offset 0), g.contributed) + ${SEEN_PRECISION} <= g.last_seen`;
  const result = await withPlannerSettings(db, planner, () =>
    sql<StreamSeenCounts>`
      with joined as materialized (
        select r.id, r.source_key, s.entity_key, r.fetched_at, s.fetched_at as contributed from tributary.staged_record r
        left join tributary.source_record s
          on s.entity = ${q.entity} and s.source = ${q.source} and s.stream = ${q.stream} and s.source_key = r.source_key
          and s.deleted_at is null and s.raw_hash = ${rawHashSql(sql`r.hash`, q.fingerprint)}
        where r.stream_id = ${stagedStreamId(q)}
      ), marked as (
        insert into tributary.entity_seen as e (entity, entity_key, last_seen, last_run_id)
        select ${q.entity}, g.entity_key, g.last_seen, ${q.mergeRunId}
        ${moving}
        ${SEEN_ON_CONFLICT}
      ), changed as (
        insert into merge_changed (source_key, id) select source_key, id from joined where entity_key is null
      )
      select count(*)::int as staged, count(entity_key)::int as unchanged from joined`.execute(db),
  );
  return result.rows[0] ?? { staged: 0, unchanged: 0 };
}

/**
 * `walk` when the entity has at most `SEEN_WALK_RATIO` `entity_seen` rows per staged record of
 * the stream, else `probe`. The stream's size is what its fetch checkpoint counted (counting the
 * staged rows of a million-record run costs more than a second). The entity's rows are not
 * counted when twice the planner's estimate of the whole table (every entity's rows) is within
 * the bound; otherwise they are counted only as far as the bound, so a small stream of a large
 * entity costs a few times its own size to decide.
 */
export async function chooseSeenLookup(db: Kysely<Database>, q: StreamSeen): Promise<'walk' | 'probe'> {
  const bound = SEEN_WALK_RATIO * (await estimateStaged(db, q));
  // A count right after a large load visits the heap for every row (no visibility map yet):
  // about half a second per million-record stream, where the estimate costs nothing. Before the
  // table was ever analyzed the estimate comes from its size and a guessed row width, and can be
  // a quarter low: hence twice the estimate.
  const plan = await sql<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>`explain (format json) select 1 from tributary.entity_seen`.execute(db);
  if (2 * (plan.rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? Infinity) <= bound) return 'walk';
  // Only an index scan stops at the bound: a bitmap or sequential scan reads every row of the entity first.
  const rows = await withPlannerSettings(db, { enable_seqscan: 'off', enable_bitmapscan: 'off' }, () =>
    sql<{ n: number }>`select count(*)::int as n from (select 1 from tributary.entity_seen where entity = ${q.entity} limit ${bound + 1}) x`.execute(db),
  );
  return (rows.rows[0]?.n ?? 0) <= bound ? 'walk' : 'probe';
}

/**
 * Lists in `merge_changed` the stream's staged records of the run up to `id` `through` whose
 * contribution was mapped from another payload: records merged while the fetch went on and then
 * staged again under the same key (a later page repeated them). Returns how many.
 *
 * ```sql
 * insert into merge_changed select r.source_key, r.id from tributary.staged_record r
 * join tributary.source_record s on ... and s.source_key = r.source_key
 * where r.stream_id = (...) and r.id <= $through and s.raw_hash is distinct from md5(r.hash || $fp)
 * ```
 */
export async function listRestaged(db: Kysely<Database>, q: StreamRunKey & { entity: string; fingerprint: string; through: string }): Promise<number> {
  await sql`create temp table if not exists merge_changed (source_key text primary key, id bigint not null) on commit drop`.execute(db);
  await sql`truncate merge_changed`.execute(db);
  const result = await sql`
    insert into merge_changed (source_key, id)
    select r.source_key, r.id from tributary.staged_record r
    join tributary.source_record s on s.entity = ${q.entity} and s.source = ${q.source} and s.stream = ${q.stream} and s.source_key = r.source_key
    where r.stream_id = ${stagedStreamId(q)} and r.id <= ${q.through} and s.raw_hash is distinct from ${rawHashSql(sql`r.hash`, q.fingerprint)}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Whether any record of the stream contributes to the entity (if not, nothing of it can be unchanged). */
export async function hasContributions(db: Kysely<Database>, q: { entity: string; source: string; stream: string }): Promise<boolean> {
  const result = await sql<{ any: boolean }>`
    select exists (select 1 from tributary.source_record where entity = ${q.entity} and source = ${q.source} and stream = ${q.stream}) as any`.execute(db);
  return result.rows[0]?.any ?? false;
}

/** How many records a stream staged in a run. */
export async function countStaged(db: Kysely<Database>, q: StreamRunKey): Promise<number> {
  const result = await sql<{ n: number }>`
    select count(*)::int as n from tributary.staged_record where stream_id = ${stagedStreamId(q)}`.execute(db);
  return result.rows[0]?.n ?? 0;
}

/**
 * How many records a stream staged in a run, as its fetch checkpoint counted them (records a
 * page repeated are counted again); none without a checkpoint.
 */
export async function estimateStaged(db: Kysely<Database>, q: StreamRunKey): Promise<number> {
  return (await readCheckpoint(db, q))?.records ?? 0;
}
