import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { EntityConfig } from '../config/entity-config.js';
import type { Database } from '../store/database-schema.js';
import type { Contribution } from './contribution.js';
import { ENTITY_SCHEMA, columnType, entityTableName } from './entity-table.js';
import { type ResolvedEntity, resolveEntity } from './resolve-entity.js';

/** Counts of what a write did. */
export interface WriteCounts {
  /** Entity rows inserted or changed. */
  written: number;
  /** Entity rows whose merge gave the same hash (not rewritten). */
  unchanged: number;
  /** Entities soft-deleted because no source contributes to them any more. */
  deleted: number;
}

/**
 * Re-merges every entity listed in `merge_affected` from all its stored contributions and
 * upserts the rows set-based, a batch at a time. Rows whose hash did not change are skipped by
 * the `where` guard, so an unchanged rerun writes nothing.
 *
 * ```sql
 * insert into unified.customer (_key, email, ..., _hash) select ... from jsonb_to_recordset($1::jsonb) as r(...)
 * on conflict (_key) do update set email = excluded.email, ... where t._hash is distinct from excluded._hash
 * ```
 */
export async function writeAffectedEntities(
  trx: Kysely<Database>,
  name: string,
  entity: EntityConfig,
  opts: { runId: string; now: Date; batchSize?: number },
): Promise<WriteCounts> {
  const counts: WriteCounts = { written: 0, unchanged: 0, deleted: 0 };
  const statement = compileUpsert(name, entity);
  let after = '';
  for (;;) {
    const keys = (await sql<{ entity_key: string }>`select entity_key from merge_affected where entity_key > ${after} order by entity_key limit ${opts.batchSize ?? 1000}`.execute(trx)).rows.map((r) => r.entity_key);
    if (keys.length === 0) return counts;
    after = keys[keys.length - 1]!;
    const rows = await trx
      .selectFrom('tributary.source_record')
      .select(['entity_key', 'source', 'stream', 'source_key', 'values', 'source_updated_at', 'fetched_at'])
      .where('entity', '=', name)
      .where('entity_key', 'in', keys)
      .execute();
    const byKey = new Map<string, Contribution[]>();
    for (const r of rows) {
      const list = byKey.get(r.entity_key) ?? [];
      list.push({ source: r.source, stream: r.stream, sourceKey: r.source_key, values: r.values, updatedAt: r.source_updated_at?.getTime() ?? null, fetchedAt: r.fetched_at.getTime() });
      byKey.set(r.entity_key, list);
    }
    const resolved = [...byKey].map(([key, cs]) => resolveEntity(key, entity, cs));
    const written = resolved.length > 0 ? await statement(trx, resolved, opts) : 0;
    counts.written += written;
    counts.unchanged += resolved.length - written;
    const orphans = keys.filter((k) => !byKey.has(k));
    if (orphans.length > 0) {
      const r = await sql`update ${sql.id(ENTITY_SCHEMA, entityTableName(name, entity))} set _deleted_at = ${opts.now}, _last_changed = ${opts.now}, _last_run_id = ${opts.runId}, _sources = '{}'
        where _key = any(${orphans}::text[]) and _deleted_at is null`.execute(trx);
      counts.deleted += Number(r.numAffectedRows ?? 0);
    }
  }
}

type UpsertStatement = (trx: Kysely<Database>, rows: readonly ResolvedEntity[], opts: { runId: string; now: Date }) => Promise<number>;

/** Builds the upsert once per merge; only the JSON batch changes between executions. */
function compileUpsert(name: string, entity: EntityConfig): UpsertStatement {
  const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
  const fields = Object.keys(entity.fields);
  const recordColumns = sql.join([
    sql`_key text`,
    ...fields.map((f) => sql`${sql.id(f)} ${sql.raw(columnType(entity.fields[f]!))}`),
    sql`_provenance jsonb`,
    sql`_sources text[]`,
    sql`_hash text`,
  ]);
  const insertColumns = sql.join([sql.id('_key'), ...fields.map((f) => sql.id(f)), ...['_provenance', '_sources', '_hash', '_first_seen', '_last_changed', '_last_run_id'].map((c) => sql.id(c))]);
  const selectColumns = (opts: { runId: string; now: Date }): RawBuilder<unknown> =>
    sql.join([sql.ref('r._key'), ...fields.map((f) => sql.ref(`r.${f}`)), sql.ref('r._provenance'), sql.ref('r._sources'), sql.ref('r._hash'), sql`${opts.now}::timestamptz`, sql`${opts.now}::timestamptz`, sql`${opts.runId}`]);
  const updates = sql.join([...fields, '_provenance', '_sources', '_hash', '_last_changed', '_last_run_id'].map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`));

  return async (trx, rows, opts) => {
    const batch = JSON.stringify(rows.map((r) => ({ _key: r.key, ...r.values, _provenance: r.provenance, _sources: r.sources, _hash: r.hash })));
    const result = await sql`
      insert into ${table} as t (${insertColumns})
      select ${selectColumns(opts)} from jsonb_to_recordset(${batch}::jsonb) as r(${recordColumns})
      on conflict (_key) do update set ${updates}, _deleted_at = null
      where t._hash is distinct from excluded._hash or t._deleted_at is not null`.execute(trx);
    return Number(result.numAffectedRows ?? 0);
  };
}
