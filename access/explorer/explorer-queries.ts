import { type Kysely, sql } from 'kysely';
import type { EntityConfig } from '../../config/entities/entity-config.js';
import { ENTITY_SCHEMA, PARENT_COLUMN, entityTableName } from '../../store/entity-table-layout.js';
import type { Database } from '../../store/database-schema.js';

/** A key merged into another entity, and when. */
export interface MergedKey {
  readonly from_key: string;
  readonly run_id: string;
  readonly merged_at: Date;
}

/** The keys that were merged into `key` (their old URLs redirect to it). */
export async function keysMergedInto(db: Kysely<Database>, entity: string, key: string): Promise<MergedKey[]> {
  return db
    .selectFrom('tributary.entity_redirect')
    .select(['from_key', 'run_id', 'merged_at'])
    .where('entity', '=', entity)
    .where('to_key', '=', key)
    .orderBy('merged_at')
    .orderBy('from_key')
    .limit(200)
    .execute();
}

/** Up to `limit` live rows of a child entity under one parent, by key. */
export async function childRows(db: Kysely<Database>, name: string, entity: EntityConfig, parentKey: string, limit: number): Promise<Record<string, unknown>[]> {
  const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
  try {
    const { rows } = await sql<Record<string, unknown>>`select * from ${table} where ${sql.ref(PARENT_COLUMN)} = ${parentKey} and _deleted_at is null order by _key limit ${limit}`.execute(db);
    return rows;
  } catch (err) {
    // The child table does not exist until its first merge.
    if ((err as { code?: string }).code === '42P01') return [];
    throw err;
  }
}

/** A quarantined record as the explorer lists it. */
export interface QuarantinedRecord {
  readonly id: string;
  readonly run_id: string;
  readonly entity: string;
  readonly source: string;
  readonly stream: string;
  readonly source_key: string | null;
  readonly reason: string;
  readonly reasons: string[];
  readonly payload: unknown;
  readonly created_at: Date;
}

/** Quarantined records of some entities, newest first, before the id of the previous page's last. */
export async function quarantinedRecords(db: Kysely<Database>, opts: { entities: readonly string[]; before?: string | undefined; limit: number }): Promise<QuarantinedRecord[]> {
  if (opts.entities.length === 0) return [];
  let q = db
    .selectFrom('tributary.quarantine')
    .select(['id', 'run_id', 'entity', 'source', 'stream', 'source_key', 'reason', 'reasons', 'payload', 'created_at'])
    .where('entity', 'in', opts.entities);
  if (opts.before !== undefined) q = q.where('id', '<', opts.before);
  return (await q.orderBy('id', 'desc').limit(opts.limit).execute()) as QuarantinedRecord[];
}

/** Quarantined records per entity and reason category. */
export async function quarantineCounts(db: Kysely<Database>): Promise<Array<{ entity: string; reason: string; n: number }>> {
  const { rows } = await sql<{ entity: string; reason: string; n: number }>`
    select q.entity, r.category as reason, count(*)::int as n from tributary.quarantine q, unnest(q.reasons) as r(category)
    group by q.entity, r.category order by q.entity, n desc, r.category`.execute(db);
  return rows;
}

/** Quarantined records per entity. */
export async function quarantineTotals(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('tributary.quarantine').select(['entity', sql<number>`count(*)::int`.as('n')]).groupBy('entity').execute();
  return new Map(rows.map((r) => [r.entity, r.n]));
}

/**
 * The quarantined versions of records that contribute to one entity: a record whose newer
 * version broke the schema keeps its older contribution, and this says so.
 */
export async function quarantineOfEntity(db: Kysely<Database>, entity: string, key: string): Promise<QuarantinedRecord[]> {
  const { rows } = await sql<QuarantinedRecord>`
    select q.id, q.run_id, q.entity, q.source, q.stream, q.source_key, q.reason, q.reasons, q.payload, q.created_at
    from tributary.source_record sr
    join tributary.quarantine q on q.entity = sr.entity and q.source = sr.source and q.stream = sr.stream and q.source_key = sr.source_key
    where sr.entity = ${entity} and sr.entity_key = ${key}
    order by q.id desc limit 50`.execute(db);
  return rows;
}
