import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { EntityConfig } from '../config/entities/entity-config.js';
import { poolOf } from '../store/create-database.js';
import { ENTITY_SCHEMA, entityTableName } from '../store/entity-table-layout.js';
import type { Database } from '../store/database-schema.js';
import type { QueryableColumn } from './entity-fields.js';
import { type EntityFilter, filterSql } from './entity-filter.js';
import { HttpError } from './http-error.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';

/** One sort key. Missing values sort last in either direction. */
export interface SortKey {
  readonly column: QueryableColumn;
  readonly desc: boolean;
}

/** A page request over one entity, already validated. */
export interface EntityListQuery {
  readonly select: readonly string[];
  readonly filters: readonly EntityFilter[];
  /** Sort keys; `_key` is appended as the final tie-breaker. Default: `_last_changed`. */
  readonly order: readonly SortKey[];
  /** Only rows changed at or after this time. */
  readonly updatedSince?: Date | undefined;
  readonly limit: number;
  /** The `next_cursor` of the previous page. */
  readonly after?: string | undefined;
}

/** A page of rows and the cursor of the next one (null on the last page). */
export interface EntityPage {
  readonly rows: Record<string, unknown>[];
  readonly nextCursor: string | null;
  /** The cursor after the row at `i` (GraphQL edges); made on demand, a REST page needs only `nextCursor`. */
  cursorAt(i: number): string;
}

/**
 * Reads one page of an entity with keyset pagination: rows ordered by the sort keys and then
 * `_key` (unique), the cursor holding the last row's exact sort values, so paging never skips
 * or repeats a row that stays put while others are written. A row that changes while a client
 * pages moves by its `_last_changed` and shows up again later in the default order: an
 * incremental consumer sees its latest version.
 *
 * ```sql
 * select "_key", "email", ..., "_last_changed"::text as "__s0"
 * from "unified"."customer"
 * where _deleted_at is null and "plan" = cast($1 as text)
 *   and (("_last_changed" > cast($2 as timestamptz) or "_last_changed" is null)
 *        or ("_last_changed" is not distinct from cast($2 as timestamptz) and "_key" > $3))
 * order by "_last_changed" asc nulls last, "_key" asc limit $4
 * ```
 */
export async function listEntityPage(db: Kysely<Database>, name: string, entity: EntityConfig, q: EntityListQuery): Promise<EntityPage> {
  const keys = q.order.filter((k) => k.column.name !== '_key');
  const signature = orderSignature(q.order);
  const conditions = matchConditions(q);
  if (q.after !== undefined) {
    const cursor = decodeCursor(q.after, signature);
    if (cursor.values.length !== keys.length) throw new HttpError(400, 'invalid cursor: pass the next_cursor value of a previous page unchanged');
    conditions.push(afterCondition(keys, cursor.values, cursor.key));
  }
  const columns = [...new Set(['_key', ...q.select])].map((c) => sql.ref(c));
  const sortColumns = keys.map((k, i) => sql`${sql.ref(k.column.name)}::text as ${sql.id(`__s${i}`)}`);
  const orderBy = [...keys.map((k) => sql`${sql.ref(k.column.name)} ${sql.raw(k.desc ? 'desc' : 'asc')} nulls last`), sql`_key asc`];
  const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
  const rows = await tableRows(
    db,
    sql`select ${sql.join([...columns, ...sortColumns])} from ${table} where ${sql.join(conditions, sql` and `)} order by ${sql.join(orderBy)} limit ${q.limit + 1}`,
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const cursorOf = (r: Record<string, unknown>) => encodeCursor({ order: signature, values: keys.map((_, i) => (r[`__s${i}`] as string | null) ?? null), key: r._key as string });
  const nextCursor = rows.length > q.limit && last ? cursorOf(last) : null;
  const selected = [...new Set(['_key', ...q.select])];
  // Rows with the selected columns only (not the sort values the cursors are made of).
  const projected = page.map((r) => {
    const out: Record<string, unknown> = {};
    for (const c of selected) out[c] = r[c];
    return out;
  });
  return { rows: projected, nextCursor, cursorAt: (i) => cursorOf(page[i]!) };
}

/**
 * How many live rows match a list query's filters and `updated_since` (the explorer's count):
 * `select count(*) from "unified"."customer" where _deleted_at is null and ...`.
 */
export async function countEntityRows(db: Kysely<Database>, name: string, entity: EntityConfig, q: Pick<EntityListQuery, 'filters' | 'updatedSince'>): Promise<number> {
  const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
  const rows = await tableRows(db, sql`select count(*)::int as n from ${table} where ${sql.join(matchConditions(q), sql` and `)}`);
  return Number(rows[0]?.n ?? 0);
}

/** The conditions of a list query before its cursor: live rows, the filters, `updated_since`. */
function matchConditions(q: Pick<EntityListQuery, 'filters' | 'updatedSince'>): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [sql`_deleted_at is null`, ...q.filters.map(filterSql)];
  if (q.updatedSince) conditions.push(sql`_last_changed >= ${q.updatedSince}`);
  return conditions;
}

/** Reads one entity row by key with every column, or undefined. */
export async function getEntityRow(db: Kysely<Database>, name: string, entity: EntityConfig, key: string): Promise<Record<string, unknown> | undefined> {
  const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
  return (await tableRows(db, sql`select * from ${table} where _key = ${key}`))[0];
}

/** `email.desc,_last_changed.asc`: what a cursor is tied to. */
export function orderSignature(order: readonly SortKey[]): string {
  return order.map((k) => `${k.column.name}.${k.desc ? 'desc' : 'asc'}`).join(',');
}

/**
 * Rows strictly after the cursor in `order by k1, ..., kn nulls last, _key`. Ascending keys that
 * are never null (the default `_last_changed`) make one row comparison, which walks the
 * `(_last_changed, _key)` index: `(_last_changed, _key) > (cast($1 as timestamptz), $2)`.
 */
function afterCondition(keys: readonly SortKey[], values: ReadonlyArray<string | null>, key: string): RawBuilder<unknown> {
  const typed = (i: number) => sql`cast(${values[i]} as ${sql.raw(keys[i]!.column.sqlType)})`;
  if (keys.every((k, i) => !k.desc && k.column.notNull && values[i] !== null)) {
    return sql`(${sql.join([...keys.map((k) => sql.ref(k.column.name)), sql.ref('_key')])}) > (${sql.join([...keys.map((_, i) => typed(i)), sql`${key}`])})`;
  }
  const branches: RawBuilder<unknown>[] = [];
  for (let i = 0; i <= keys.length; i++) {
    const equal = keys.slice(0, i).map((k, j) => sql`${sql.ref(k.column.name)} is not distinct from ${typed(j)}`);
    let after: RawBuilder<unknown>;
    if (i === keys.length) after = sql`_key > ${key}`;
    else if (values[i] === null) continue; // nothing sorts after a missing value but other missing values
    else after = sql`(${sql.ref(keys[i]!.column.name)} ${sql.raw(keys[i]!.desc ? '<' : '>')} ${typed(i)} or ${sql.ref(keys[i]!.column.name)} is null)`;
    branches.push(sql`(${sql.join([...equal, after], sql` and `)})`);
  }
  return sql`(${sql.join(branches, sql` or `)})`;
}

/**
 * Runs a query on an entity table, on the pool under `db` when there is one (compiled by Kysely,
 * run by pg: the API's hot path); a table not created yet (no merge ran) reads as empty.
 */
async function tableRows(db: Kysely<Database>, query: RawBuilder<unknown>): Promise<Record<string, unknown>[]> {
  try {
    const pool = poolOf(db);
    if (!pool) return (await query.execute(db)).rows as Record<string, unknown>[];
    const compiled = query.compile(db);
    return (await pool.query<Record<string, unknown>>(compiled.sql, [...compiled.parameters])).rows;
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return [];
    throw err;
  }
}
