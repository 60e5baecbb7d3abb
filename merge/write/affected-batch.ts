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
 * Which entity keys a merge's writer re-merges: `listed`, the keys the run's prepare step left in
 * `tributary.merge_affected_key`; `all`, every key the entity has contributions for. `all` is for
 * a merge into an entity with no rows before it: every key with contributions is written, so
 * listing them would only cost a row each.
 */
export type AffectedKeys = 'listed' | 'all';

/** A range of entity keys, `from` (inclusive) up to `to` (exclusive; null: no end): one partition of a merge's writes. */
export interface KeyRange {
  readonly from: string;
  readonly to: string | null;
}

/** Every key. */
export const ALL_KEY_RANGE: KeyRange = { from: '', to: null };

/** Where a batch starts: after the previous batch's last key, or at the start of the range. */
export interface KeyCursor {
  /** The last key of the previous batch; null for the first batch. */
  readonly after: string | null;
  readonly range: KeyRange;
}

/** The batch's key bounds on `column`, as SQL: above the cursor, below the range's end. */
export function keyBounds(column: RawBuilder<unknown>, cursor: KeyCursor): RawBuilder<unknown> {
  const lower = cursor.after === null ? sql`${column} >= ${cursor.range.from}` : sql`${column} > ${cursor.after}`;
  return cursor.range.to === null ? lower : sql`${lower} and ${column} < ${cursor.range.to}`;
}

/**
 * Planner settings `readAffectedBatch` needs for `all` keys: the contributions were just written
 * and have no statistics, so the planner would hash and sort all of the entity's remaining
 * contributions for every batch (quadratic in N) instead of walking the entity-key index.
 */
export const ALL_KEYS_PLANNER = { enable_hashagg: 'off', enable_sort: 'off', enable_bitmapscan: 'off', enable_seqscan: 'off' } as const;

/** Which keys a batch reads: the run's listed keys or all of them, from a cursor, `limit` at a time. */
export interface AffectedBatchQuery {
  readonly runId: string;
  readonly entity: string;
  readonly cursor: KeyCursor;
  readonly limit: number;
  readonly keys: AffectedKeys;
}

/**
 * Reads the next `limit` affected keys of an entity from a cursor, with all their stored
 * contributions, in one statement. `listed` keys come from the run's `merge_affected_key` rows:
 *
 * ```sql
 * select k.entity_key, s.source, ... from (select entity_key from tributary.merge_affected_key
 *   where run_id = $1 and entity = $2 and entity_key > $3 and entity_key < $4 order by entity_key limit $5) k
 * left join lateral (select ... from tributary.source_record r where r.entity = $2 and r.entity_key = k.entity_key offset 0) s on true
 * order by k.entity_key
 * ```
 *
 * `all` keys are one range of the contributions' entity-key index, up to the `limit`-th distinct
 * key (run it under `ALL_KEYS_PLANNER`):
 *
 * ```sql
 * select r.entity_key, r.source, ... from tributary.source_record r where r.entity = $1 and r.entity_key > $2
 *   and r.entity_key <= (select max(entity_key) from (select distinct entity_key from tributary.source_record
 *                        where entity = $1 and entity_key > $2 and entity_key < $3 order by entity_key limit $4) k)
 * order by r.entity_key
 * ```
 */
export async function readAffectedBatch(trx: Kysely<Database>, q: AffectedBatchQuery): Promise<AffectedBatch> {
  const { rows } = await (q.keys === 'all' ? readAllKeys(trx, q) : readListedKeys(trx, q));
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

function readListedKeys(trx: Kysely<Database>, q: AffectedBatchQuery): Promise<QueryResult<Row>> {
  // One index probe per key, whatever the statistics say. On a first load source_record was never
  // analyzed (all of it is this transaction's), so for `entity = $1 and entity_key in (...1000 keys)`
  // the planner guesses a few rows per entity, scans all of the entity's contributions through the
  // primary key for every batch, and the merge turns quadratic in N (seconds per batch at 1M).
  // `offset 0` keeps the lateral subquery from being flattened back into that plan.
  return sql<Row>`
    select k.entity_key, ${contributionColumns('s')}
    from (select a.entity_key from tributary.merge_affected_key a where a.run_id = ${q.runId} and a.entity = ${q.entity} and ${keyBounds(sql.ref('a.entity_key'), q.cursor)}
          order by a.entity_key limit ${q.limit}) k
    left join lateral (
      select r.parent_key, r.source, r.stream, r.source_key, r."values", r.source_updated_at, r.fetched_at, r.deleted_at
      from tributary.source_record r where r.entity = ${q.entity} and r.entity_key = k.entity_key offset 0
    ) s on true
    order by k.entity_key`.execute(trx);
}

function readAllKeys(trx: Kysely<Database>, q: AffectedBatchQuery): Promise<QueryResult<Row>> {
  return sql<Row>`
    select r.entity_key, ${contributionColumns('r')}
    from tributary.source_record r
    where r.entity = ${q.entity} and ${keyBounds(sql.ref('r.entity_key'), q.cursor)} and r.entity_key <= (
      select max(k.entity_key) from (select distinct x.entity_key from tributary.source_record x where x.entity = ${q.entity} and ${keyBounds(sql.ref('x.entity_key'), q.cursor)}
        order by x.entity_key limit ${q.limit}) k)
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
