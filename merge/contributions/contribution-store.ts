import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../../store/database-schema.js';
import { rawHashSql } from '../map/raw-hash.js';
import { SEEN_ON_CONFLICT, SEEN_PRECISION } from '../../store/entity-seen.js';

/** A mapped source record, keyed and hashed, ready to store as a contribution. */
export interface ContributionRow {
  readonly source_key: string;
  readonly entity_key: string;
  readonly values: Record<string, unknown>;
  readonly source_updated_at: string | null;
  readonly fetched_at: string;
  readonly hash: string;
  /** For a child entity: the parent entity key and the source record the child was read from. */
  readonly parent_key?: string | null;
  readonly parent_source_key?: string | null;
  /** The staged payload hash the row was mapped from (stored combined with the target's `fingerprint`). */
  readonly staged_hash?: string;
}

/** Which stream's contributions to an entity a call is about. */
export interface ContributionTarget {
  readonly entity: string;
  readonly source: string;
  readonly stream: string;
  readonly runId: string;
  /** The mapping fingerprint: with it each row's `raw_hash` is stored, so an unchanged record can be skipped next time. */
  readonly fingerprint?: string;
}

/**
 * The temp table of entity keys whose merge may change in the current transaction, per entity.
 * Created on first use, dropped at commit.
 */
export async function createAffectedTable(trx: Kysely<Database>): Promise<void> {
  await sql`create temp table if not exists merge_affected (entity text not null, entity_key text not null, primary key (entity, entity_key)) on commit drop`.execute(trx);
}

/**
 * Upserts a batch of contributions of one stream to an entity (`tributary.source_record`) and
 * adds to `merge_affected` the key of every new or changed contribution, and the old key of a
 * record that moved to another entity. Unchanged contributions (same hash, same key, not
 * withdrawn) are not rewritten, except to record a new `raw_hash` (a payload that changed
 * outside the mapped fields): that alone is no change, so it touches nothing else. A record that
 * comes back after a withdrawal counts again. Returns how many contributions changed.
 *
 * ```sql
 * insert into tributary.source_record (...) select ... from jsonb_to_recordset($1::jsonb) as i(...)
 * on conflict (entity, source, stream, source_key) do update set ...
 *   where s.hash is distinct from excluded.hash or s.entity_key is distinct from excluded.entity_key or s.deleted_at is not null
 *      or s.parent_key is distinct from excluded.parent_key or s.raw_hash is distinct from excluded.raw_hash
 * ```
 */
export async function upsertContributions(trx: Kysely<Database>, target: ContributionTarget, rows: readonly ContributionRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const changed = sql`s.hash is distinct from excluded.hash or s.entity_key is distinct from excluded.entity_key
           or s.deleted_at is not null or s.parent_key is distinct from excluded.parent_key`;
  const result = await sql<{ changed: number }>`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(${INPUT_COLUMNS})
    ), old as (
      -- One primary-key probe per input row: joined plainly, a source_record without statistics (a
      -- first load) gets hashed whole, all of the stream's contributions for every batch.
      select i.source_key, s.entity_key, s.hash, s.deleted_at, s.parent_key from input i
      cross join lateral (
        select s.entity_key, s.hash, s.deleted_at, s.parent_key from tributary.source_record s
        where s.entity = ${target.entity} and s.source = ${target.source} and s.stream = ${target.stream} and s.source_key = i.source_key
        offset 0) s
    ), up as (
      ${insertSelect(target)}
      from input i
      on conflict (entity, source, stream, source_key) do update
        set entity_key = excluded.entity_key, "values" = excluded."values", source_updated_at = excluded.source_updated_at,
            fetched_at = case when ${changed} then excluded.fetched_at else s.fetched_at end,
            run_id = case when ${changed} then excluded.run_id else s.run_id end, hash = excluded.hash,
            parent_key = excluded.parent_key, parent_source_key = excluded.parent_source_key, deleted_at = null, deleted_run_id = null,
            raw_hash = excluded.raw_hash
        where ${changed} or s.raw_hash is distinct from excluded.raw_hash
      returning s.source_key, s.entity_key, s.hash, s.parent_key
    ), moved as (
      -- Only a new row, or one whose contribution changed, is a change; a new raw_hash alone is not.
      select u.source_key, u.entity_key, o.entity_key as old_key from up u left join old o on o.source_key = u.source_key
      where o.source_key is null or o.hash is distinct from u.hash or o.entity_key is distinct from u.entity_key
         or o.deleted_at is not null or o.parent_key is distinct from u.parent_key
    ), touched as (
      insert into merge_affected (entity, entity_key)
      select ${target.entity}, entity_key from moved
      union
      select ${target.entity}, old_key from moved where old_key <> entity_key
      on conflict do nothing
    )
    select count(*)::int as changed from moved`.execute(trx);
  return result.rows[0]?.changed ?? 0;
}

/**
 * Inserts a batch of contributions of a stream that has none stored for the entity yet (its
 * first merge): plain inserts, each row new, so none of `upsertContributions`' probes of the old
 * rows, conflict handling or change test. Every row counts as changed. With `markAffected`, the
 * rows' entity keys go to `merge_affected`; leave it off when the writer re-merges every key of
 * the entity anyway (`AffectedKeys` `all`). Returns how many rows were inserted.
 *
 * Staged records are unique by source key within a stream fetch, and a merge holds the entity's
 * lock, so no row of the batch can exist already; if one did, the insert fails the merge.
 */
export async function insertContributions(trx: Kysely<Database>, target: ContributionTarget, rows: readonly ContributionRow[], opts: { markAffected: boolean }): Promise<number> {
  if (rows.length === 0) return 0;
  const insert = sql`${insertSelect(target)} from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as i(${INPUT_COLUMNS})`;
  if (!opts.markAffected) return Number((await insert.execute(trx)).numAffectedRows ?? 0);
  const result = await sql<{ n: number }>`
    with added as (${insert} returning entity_key), touched as (
      insert into merge_affected (entity, entity_key) select distinct ${target.entity}, entity_key from added on conflict do nothing
    )
    select count(*)::int as n from added`.execute(trx);
  return result.rows[0]?.n ?? 0;
}

/** The columns of a `ContributionRow` batch shipped as a JSON array (`jsonb_to_recordset`). */
const INPUT_COLUMNS = sql.raw(`source_key text, entity_key text, "values" jsonb, source_updated_at timestamptz, fetched_at timestamptz, hash text, parent_key text, parent_source_key text, staged_hash text`);

// `insert ... select` of a contribution batch aliased `i` (with INPUT_COLUMNS) into source_record aliased `s`; the caller adds `from`.
function insertSelect(target: ContributionTarget): RawBuilder<unknown> {
  const rawHash = target.fingerprint === undefined ? sql`null::text` : rawHashSql(sql`i.staged_hash`, target.fingerprint);
  return sql`
      insert into tributary.source_record as s (entity, source, stream, source_key, entity_key, "values", source_updated_at, fetched_at, run_id, hash, first_seen, parent_key, parent_source_key, raw_hash)
      select ${target.entity}, ${target.source}, ${target.stream}, i.source_key, i.entity_key, i."values", i.source_updated_at, i.fetched_at, ${target.runId}, i.hash, i.fetched_at, i.parent_key, i.parent_source_key, ${rawHash}`;
}

/**
 * Withdraws contributions: the source deleted these records (tombstones, a deleted-records feed)
 * or, for a child entity, no longer lists these children. The rows stay, with `deleted_at` and
 * `deleted_run_id`, so lineage shows who deleted what; their values no longer count. Returns how
 * many were withdrawn; their entities go to `merge_affected`.
 *
 * Select the rows by `sourceKeys`, or, for children, by `parentSourceKeys` except `keep`; `at`
 * is when the withdrawal was fetched.
 */
export async function withdrawContributions(
  trx: Kysely<Database>,
  target: ContributionTarget,
  select: { sourceKeys: readonly string[] } | { parentSourceKeys: readonly string[]; keep: readonly string[] },
  at: Date,
): Promise<number> {
  const where =
    'sourceKeys' in select
      ? sql`s.source_key = any(${select.sourceKeys}::text[])`
      : sql`s.parent_source_key = any(${select.parentSourceKeys}::text[]) and s.source_key <> all(${select.keep}::text[])`;
  if (('sourceKeys' in select ? select.sourceKeys : select.parentSourceKeys).length === 0) return 0;
  const result = await sql<{ n: number }>`
    with gone as (
      update tributary.source_record s set deleted_at = ${at}, deleted_run_id = ${target.runId}
      where s.entity = ${target.entity} and s.source = ${target.source} and s.stream = ${target.stream} and s.deleted_at is null and ${where}
      returning s.entity_key
    ), touched as (
      insert into merge_affected (entity, entity_key) select distinct ${target.entity}, entity_key from gone on conflict do nothing
    )
    select count(*)::int as n from gone`.execute(trx);
  return result.rows[0]?.n ?? 0;
}

/**
 * Records that entities were seen upstream in this run (`tributary.entity_seen`), a narrow
 * table apart from the entity rows, so bumping "last seen" never rewrites an entity row. Called
 * after the contributions are stored: a sighting within `SEEN_PRECISION` of a contribution's
 * fetch time is already recorded there (a changed record), and a row moves on only by at least
 * `SEEN_PRECISION`, never back (`tributary.entity_last_seen` takes the later of the two).
 */
export async function markSeen(trx: Kysely<Database>, entity: string, runId: string, seen: ReadonlyArray<{ entity_key: string; at: string }>): Promise<void> {
  if (seen.length === 0) return;
  await sql`
    insert into tributary.entity_seen as e (entity, entity_key, last_seen, last_run_id)
    select ${entity}, g.entity_key, g.at, ${runId} from (
      select r.entity_key, max(r.at) as at from jsonb_to_recordset(${JSON.stringify(seen)}::jsonb) as r(entity_key text, at timestamptz) group by r.entity_key
    ) g
    where not exists (select 1 from tributary.source_record s where s.entity = ${entity} and s.entity_key = g.entity_key and s.fetched_at + ${SEEN_PRECISION} > g.at)
    ${SEEN_ON_CONFLICT}`.execute(trx);
}
