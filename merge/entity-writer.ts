import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { EntityConfig } from '../config/entity-config.js';
import type { Database } from '../store/database-schema.js';
import type { Contribution } from './contribution.js';
import type { CustomStrategyFn } from './custom-strategy.js';
import { ENTITY_SCHEMA, PARENT_COLUMN, columnType, entityTableName } from './entity-table.js';
import { type ResolvedEntity, resolveEntity } from './resolve-entity.js';

/** A stored contribution as read back for re-merging. */
interface SourceRow {
  readonly entity_key: string;
  readonly source: string;
  readonly stream: string;
  readonly source_key: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly source_updated_at: Date | null;
  readonly fetched_at: Date;
  readonly deleted_at: Date | null;
  readonly parent_key: string | null;
}

/** Counts of what a write did. */
export interface WriteCounts {
  /** Entity rows inserted or changed. */
  written: number;
  /** Entity rows whose merge gave the same hash (not rewritten). */
  unchanged: number;
  /** Entities soft-deleted because no source contributes to them any more (or they were merged into another). */
  deleted: number;
}

/** Options of a write. */
export interface WriteOptions {
  readonly runId: string;
  readonly now: Date;
  /** Entity keys re-merged per statement; memory stays flat whatever the run size. */
  readonly batchSize?: number;
  /** Loaded `custom` strategy functions by field. */
  readonly customs?: ReadonlyMap<string, CustomStrategyFn>;
}

/**
 * Re-merges every entity of `name` listed in `merge_affected` from all its stored contributions
 * and upserts the rows set-based, a batch of keys at a time. Rows whose hash did not change are
 * skipped by the `where` guard, so an unchanged rerun writes nothing. An entity whose records
 * were all withdrawn keeps its last values and is soft-deleted with `_deleted_by`; one left with
 * no contribution at all (merged into another, or every record moved) is soft-deleted with
 * `_merged_into` where identity merged it.
 *
 * ```sql
 * insert into unified.customer as t (_key, email, ..., _hash) select ... from jsonb_to_recordset($1::jsonb) as r(...)
 * on conflict (_key) do update set email = excluded.email, ... where t._hash is distinct from excluded._hash or t._deleted_at is not null
 * ```
 */
export async function writeAffectedEntities(trx: Kysely<Database>, name: string, entity: EntityConfig, opts: WriteOptions): Promise<WriteCounts> {
  const counts: WriteCounts = { written: 0, unchanged: 0, deleted: 0 };
  const upsert = compileUpsert(name, entity);
  const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
  let after = '';
  for (;;) {
    const keys = (
      await sql<{ entity_key: string }>`select entity_key from merge_affected where entity = ${name} and entity_key > ${after} order by entity_key limit ${opts.batchSize ?? 1000}`.execute(trx)
    ).rows.map((r) => r.entity_key);
    if (keys.length === 0) return counts;
    after = keys[keys.length - 1]!;
    // One index probe per key, whatever the statistics say. On a first load source_record was never
    // analyzed (all of it is this transaction's), so for `entity = $1 and entity_key in (...1000 keys)`
    // the planner guesses a few rows per entity, scans all of the entity's contributions through the
    // primary key for every batch, and the merge turns quadratic in N (seconds per batch at 1M).
    // `offset 0` keeps the lateral subquery from being flattened back into that plan.
    const rows = (
      await sql<SourceRow>`
        select s.entity_key, s.source, s.stream, s.source_key, s."values", s.source_updated_at, s.fetched_at, s.deleted_at, s.parent_key
        from unnest(${keys}::text[]) as k(entity_key)
        cross join lateral (select * from tributary.source_record r where r.entity = ${name} and r.entity_key = k.entity_key offset 0) s`.execute(trx)
    ).rows;
    const byKey = new Map<string, { parentKey: string | null; contributions: Contribution[] }>();
    for (const r of rows) {
      const entry = byKey.get(r.entity_key) ?? { parentKey: r.parent_key, contributions: [] };
      entry.contributions.push({
        source: r.source,
        stream: r.stream,
        sourceKey: r.source_key,
        values: r.values,
        updatedAt: r.source_updated_at?.getTime() ?? null,
        fetchedAt: r.fetched_at.getTime(),
        deletedAt: r.deleted_at?.getTime() ?? null,
      });
      byKey.set(r.entity_key, entry);
    }
    const resolved = [...byKey].map(([key, e]) => ({ entity: resolveEntity(key, entity, e.contributions, opts.customs), parentKey: e.parentKey }));
    const live = resolved.filter((r) => r.entity.sources.length > 0);
    const withdrawn = resolved.filter((r) => r.entity.sources.length === 0).map((r) => r.entity);
    const written = live.length > 0 ? await upsert(trx, live, opts) : 0;
    counts.written += written;
    counts.unchanged += live.length - written;
    if (withdrawn.length > 0) {
      const batch = JSON.stringify(withdrawn.map((w) => ({ k: w.key, h: w.hash, d: w.deletedBy })));
      const r = await sql`update ${table} as t set _deleted_at = ${opts.now}, _last_changed = ${opts.now}, _last_run_id = ${opts.runId}, _sources = '{}', _deleted_by = w.d, _hash = w.h
        from jsonb_to_recordset(${batch}::jsonb) as w(k text, h text, d jsonb)
        where t._key = w.k and (t._hash is distinct from w.h or t._deleted_at is null)`.execute(trx);
      counts.deleted += Number(r.numAffectedRows ?? 0);
    }
    const orphans = keys.filter((k) => !byKey.has(k));
    if (orphans.length > 0) {
      const r = await sql`update ${table} as t set _deleted_at = ${opts.now}, _last_changed = ${opts.now}, _last_run_id = ${opts.runId}, _sources = '{}',
          _merged_into = (select d.to_key from tributary.entity_redirect d where d.entity = ${name} and d.from_key = t._key)
        where t._key = any(${orphans}::text[]) and t._deleted_at is null`.execute(trx);
      counts.deleted += Number(r.numAffectedRows ?? 0);
    }
  }
}

type UpsertStatement = (trx: Kysely<Database>, rows: ReadonlyArray<{ entity: ResolvedEntity; parentKey: string | null }>, opts: { runId: string; now: Date }) => Promise<number>;

/** Builds the upsert once per merge; only the JSON batch changes between executions. */
function compileUpsert(name: string, entity: EntityConfig): UpsertStatement {
  const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
  const fields = Object.keys(entity.fields);
  const child = entity.parent !== undefined;
  const carried = ['_provenance', '_sources', '_hash', '_deleted_by', ...(child ? [PARENT_COLUMN] : [])];
  const carriedTypes: Record<string, string> = { _provenance: 'jsonb', _sources: 'text[]', _hash: 'text', _deleted_by: 'jsonb', [PARENT_COLUMN]: 'text' };
  const recordColumns = sql.join([
    sql`_key text`,
    ...fields.map((f) => sql`${sql.id(f)} ${sql.raw(columnType(entity.fields[f]!))}`),
    ...carried.map((c) => sql`${sql.id(c)} ${sql.raw(carriedTypes[c]!)}`),
  ]);
  const insertColumns = sql.join([sql.id('_key'), ...fields.map((f) => sql.id(f)), ...carried.map((c) => sql.id(c)), ...['_first_seen', '_last_changed', '_last_run_id'].map((c) => sql.id(c))]);
  const selectColumns = (opts: { runId: string; now: Date }): RawBuilder<unknown> =>
    sql.join([sql.ref('r._key'), ...fields.map((f) => sql.ref(`r.${f}`)), ...carried.map((c) => sql.ref(`r.${c}`)), sql`${opts.now}::timestamptz`, sql`${opts.now}::timestamptz`, sql`${opts.runId}`]);
  const updates = sql.join([...fields, ...carried, '_last_changed', '_last_run_id'].map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`));

  return async (trx, rows, opts) => {
    const batch = JSON.stringify(
      rows.map(({ entity: r, parentKey }) => ({
        _key: r.key,
        ...r.values,
        _provenance: r.provenance,
        _sources: r.sources,
        _hash: r.hash,
        _deleted_by: r.deletedBy.length > 0 ? r.deletedBy : null,
        ...(child ? { [PARENT_COLUMN]: parentKey } : {}),
      })),
    );
    const result = await sql`
      insert into ${table} as t (${insertColumns})
      select ${selectColumns(opts)} from jsonb_to_recordset(${batch}::jsonb) as r(${recordColumns})
      on conflict (_key) do update set ${updates}, _deleted_at = null, _merged_into = null
      where t._hash is distinct from excluded._hash or t._deleted_at is not null`.execute(trx);
    return Number(result.numAffectedRows ?? 0);
  };
}
