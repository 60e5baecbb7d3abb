import { type Kysely, type QueryResult, type RawBuilder, sql } from 'kysely';
import type { Database } from '../../store/database-schema.js';
import type { Contribution } from '../resolve/contribution.js';

/** An affected entity with every contribution stored for it (none: it was merged away or every record moved). */
export interface AffectedEntity {
  readonly key: string;
  /** For a child entity: its parent's key (from its contributions). */
  readonly parentKey: string | null;
  readonly contributions: readonly Contribution[];
}

/** The next batch of affected entities, in key order. */
export interface AffectedBatch {
  readonly entities: readonly AffectedEntity[];
  /** The last key of the batch, where the next one starts; undefined when there was nothing left. */
  readonly lastKey: string | undefined;
}

/**
 * A stored contribution as read back, already in the shape of a `Contribution` (times as epoch
 * ms), so no second object is built per row; or, with `source` null, only the key of an
 * affected entity that has no contribution.
 */
interface Row extends Omit<Contribution, 'source'> {
  readonly entity_key: string;
  readonly parent_key: string | null;
  readonly source: string | null;
}

/**
 * Which entity keys a merge's writer re-merges: `listed`, the keys in `merge_affected`; `all`,
 * every key the entity has contributions for. `all` is for a merge into an entity that had
 * neither contributions nor rows before it: every key is new, so listing them would only cost a
 * temp-table row each.
 */
export type AffectedKeys = 'listed' | 'all';

/**
 * Planner settings `readAffectedBatch` needs for `all` keys: the contributions were just written
 * and have no statistics, so the planner would hash and sort all of the entity's remaining
 * contributions for every batch (quadratic in N) instead of walking the entity-key index.
 */
export const ALL_KEYS_PLANNER = { enable_hashagg: 'off', enable_sort: 'off', enable_bitmapscan: 'off', enable_seqscan: 'off' } as const;

/**
 * Reads the next `limit` affected keys of an entity after `after`, with all their stored
 * contributions, in one statement. `listed` keys come from `merge_affected`:
 *
 * ```sql
 * select k.entity_key, s.source, ... from (select entity_key from merge_affected where entity = $1 and entity_key > $2 order by entity_key limit $3) k
 * left join lateral (select ... from tributary.source_record r where r.entity = $1 and r.entity_key = k.entity_key offset 0) s on true
 * order by k.entity_key
 * ```
 *
 * `all` keys are one range of the contributions' entity-key index, up to the `limit`-th distinct
 * key (run it under `ALL_KEYS_PLANNER`):
 *
 * ```sql
 * select r.entity_key, r.source, ... from tributary.source_record r where r.entity = $1 and r.entity_key > $2
 *   and r.entity_key <= (select max(entity_key) from (select distinct entity_key from tributary.source_record
 *                        where entity = $1 and entity_key > $2 order by entity_key limit $3) k)
 * order by r.entity_key
 * ```
 */
export async function readAffectedBatch(trx: Kysely<Database>, entity: string, after: string, limit: number, keys: AffectedKeys = 'listed'): Promise<AffectedBatch> {
  const { rows } = await (keys === 'all' ? readAllKeys(trx, entity, after, limit) : readListedKeys(trx, entity, after, limit));
  const entities: AffectedEntity[] = [];
  let current: { key: string; parentKey: string | null; contributions: Contribution[] } | undefined;
  for (const r of rows) {
    if (current?.key !== r.entity_key) {
      current = { key: r.entity_key, parentKey: r.parent_key, contributions: [] };
      entities.push(current);
    }
    // The left join yields one row without a contribution for a key that has none.
    if (r.source !== null) current.contributions.push(r as Contribution);
  }
  return { entities, lastKey: entities[entities.length - 1]?.key };
}

function readListedKeys(trx: Kysely<Database>, entity: string, after: string, limit: number): Promise<QueryResult<Row>> {
  // One index probe per key, whatever the statistics say. On a first load source_record was never
  // analyzed (all of it is this transaction's), so for `entity = $1 and entity_key in (...1000 keys)`
  // the planner guesses a few rows per entity, scans all of the entity's contributions through the
  // primary key for every batch, and the merge turns quadratic in N (seconds per batch at 1M).
  // `offset 0` keeps the lateral subquery from being flattened back into that plan.
  return sql<Row>`
    select k.entity_key, ${contributionColumns('s')}
    from (select entity_key from merge_affected where entity = ${entity} and entity_key > ${after} order by entity_key limit ${limit}) k
    left join lateral (
      select r.parent_key, r.source, r.stream, r.source_key, r."values", r.source_updated_at, r.fetched_at, r.deleted_at
      from tributary.source_record r where r.entity = ${entity} and r.entity_key = k.entity_key offset 0
    ) s on true
    order by k.entity_key`.execute(trx);
}

function readAllKeys(trx: Kysely<Database>, entity: string, after: string, limit: number): Promise<QueryResult<Row>> {
  return sql<Row>`
    select r.entity_key, ${contributionColumns('r')}
    from tributary.source_record r
    where r.entity = ${entity} and r.entity_key > ${after} and r.entity_key <= (
      select max(k.entity_key) from (select distinct entity_key from tributary.source_record where entity = ${entity} and entity_key > ${after} order by entity_key limit ${limit}) k)
    order by r.entity_key`.execute(trx);
}

// A contribution's columns as a `Row`, from the `source_record` aliased `alias`. Times as whole
// epoch ms, truncated as a JavaScript Date of the timestamp would be (exact numeric arithmetic).
function contributionColumns(alias: 'r' | 's'): RawBuilder<unknown> {
  const t = (column: string) => `${alias}.${column}`;
  return sql.raw(`${t('parent_key')}, ${t('source')}, ${t('stream')}, ${t('source_key')} as "sourceKey", ${t('"values"')},
      floor(extract(epoch from ${t('source_updated_at')}) * 1000)::float8 as "updatedAt",
      floor(extract(epoch from ${t('fetched_at')}) * 1000)::float8 as "fetchedAt",
      floor(extract(epoch from ${t('deleted_at')}) * 1000)::float8 as "deletedAt"`);
}
