import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { EntityConfig } from '../../config/entities/entity-config.js';
import type { Database } from '../../store/database-schema.js';
import { ENTITY_SCHEMA, META_COLUMNS, PARENT_COLUMN, columnType, entityTableName } from '../../store/entity-table-layout.js';

/** Thrown when config changes a column in a way that is not additive and names no migration. */
export class SchemaEvolutionError extends Error {
  /** Stable error code. */
  readonly code = 'SCHEMA_EVOLUTION_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'SchemaEvolutionError';
  }
}

/** What `ensureEntityTable` did that the merge must follow up on. */
export interface TableChanges {
  /** Columns dropped and re-added empty (`migrate: drop_and_refill`): every row must be re-merged. */
  readonly refill: readonly string[];
}

/**
 * Creates the entity's table, or evolves it:
 * - a new field adds a nullable column (and new meta columns are added the same way);
 * - a changed type is refused, naming the field and the options, unless the field says
 *   `migrate: cast` (`alter column ... type ... using col::type`) or `migrate: drop_and_refill`
 *   (the column is dropped, re-added, and every row re-merged);
 * - a column whose field left config is refused unless `removedFields` says `keep` or `drop`.
 * Names are validated identifiers from config and are still quoted.
 */
export async function ensureEntityTable<DB>(db: Kysely<DB>, name: string, entity: EntityConfig): Promise<TableChanges> {
  const table = entityTableName(name, entity);
  const id = sql.id(ENTITY_SCHEMA, table);
  await sql`create schema if not exists ${sql.id(ENTITY_SCHEMA)}`.execute(db);
  const existing = await sql<{ column_name: string; type: string }>`
    select a.attname as column_name, format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${ENTITY_SCHEMA} and c.relname = ${table} and a.attnum > 0 and not a.attisdropped`.execute(db);
  const meta: Record<string, string> = { ...META_COLUMNS, ...(entity.parent ? { [PARENT_COLUMN]: 'text' } : {}) };
  if (existing.rows.length === 0) {
    const columns = [
      ...Object.entries(entity.fields).map(([f, c]) => sql`${sql.id(f)} ${sql.raw(columnType(c))}`),
      ...Object.entries(meta).map(([c, t]) => sql`${sql.id(c)} ${sql.raw(t)}`),
    ];
    await sql`create table if not exists ${id} (${sql.join(columns)})`.execute(db);
    if (entity.parent) await sql`create index if not exists ${sql.id(`${table}_parent`)} on ${id} (${sql.id(PARENT_COLUMN)})`.execute(db);
    await ensureEntityIndexes(db, name, entity);
    return { refill: [] };
  }
  const have = new Map(existing.rows.map((r) => [r.column_name, r.type]));
  const problems: string[] = [];
  const steps: Array<{ run: ReturnType<typeof sql>; what?: string }> = [];
  const refill: string[] = [];
  for (const [column, type] of Object.entries(meta)) {
    if (!have.has(column)) steps.push({ run: sql`alter table ${id} add column ${sql.id(column)} ${sql.raw(type.replace(' primary key', ''))}` });
  }
  for (const [field, config] of Object.entries(entity.fields)) {
    const want = columnType(config);
    const got = have.get(field);
    if (got === undefined) {
      steps.push({ run: sql`alter table ${id} add column ${sql.id(field)} ${sql.raw(want)}` });
    } else if (got !== pgTypeName(want)) {
      if (config.migrate === 'cast') {
        steps.push({
          run: sql`alter table ${id} alter column ${sql.id(field)} type ${sql.raw(want)} using ${castExpression(field, got, want)}`,
          what: `entities.${name}.fields.${field}: cannot cast the column ${ENTITY_SCHEMA}.${table}.${field} from ${got} to ${pgTypeName(want)} (use migrate: drop_and_refill instead)`,
        });
      } else if (config.migrate === 'drop_and_refill') {
        steps.push({ run: sql`alter table ${id} drop column ${sql.id(field)}` }, { run: sql`alter table ${id} add column ${sql.id(field)} ${sql.raw(want)}` });
        refill.push(field);
      } else {
        problems.push(
          `entities.${name}.fields.${field}: the column ${ENTITY_SCHEMA}.${table}.${field} is ${got} but config now says ${pgTypeName(want)}; ` +
            `change the type back, add a new field under another name, or set entities.${name}.fields.${field}.migrate to ` +
            `cast (convert the column in place) or drop_and_refill (empty it and re-merge every row)`,
        );
      }
    }
  }
  for (const column of have.keys()) {
    if (column.startsWith('_') || entity.fields[column]) continue;
    const decision = entity.removedFields[column];
    if (decision === 'drop') steps.push({ run: sql`alter table ${id} drop column ${sql.id(column)}` });
    else if (decision !== 'keep') {
      problems.push(
        `entities.${name}: the column ${ENTITY_SCHEMA}.${table}.${column} has no field in config any more; put the field back, ` +
          `or set entities.${name}.removedFields.${column} to keep (leave the column, stop writing it) or drop (drop the column and its data)`,
      );
    }
  }
  if (problems.length > 0) throw new SchemaEvolutionError(problems.join('\n'));
  if (steps.length > 0) {
    await (db as Kysely<unknown>).transaction().execute(async (trx) => {
      for (const step of steps) {
        try {
          await step.run.execute(trx);
        } catch (err) {
          if (step.what) throw new SchemaEvolutionError(`${step.what}: ${(err as Error).message}`);
          throw err;
        }
      }
    });
  }
  if (entity.parent && !have.has(PARENT_COLUMN)) await sql`create index if not exists ${sql.id(`${table}_parent`)} on ${id} (${sql.id(PARENT_COLUMN)})`.execute(db);
  await ensureEntityIndexes(db, name, entity);
  return { refill };
}

/**
 * The indexes the access API reads by, kept in step with config: `<table>__changed` on
 * `(_last_changed, _key)` over live rows (the default order, `updated_since` and their keyset
 * pages), and `<table>__f_<field>` for each field with `index: true` (a b-tree on
 * `(field, _key)`, GIN for lists and JSON). Indexes of fields no longer marked are dropped, and
 * an index left invalid by an interrupted build is built again. Built `concurrently` on a table
 * that has rows, so readers and writers go on meanwhile.
 */
export async function ensureEntityIndexes<DB>(db: Kysely<DB>, name: string, entity: EntityConfig): Promise<void> {
  const table = entityTableName(name, entity);
  const id = sql.id(ENTITY_SCHEMA, table);
  const live = sql`where _deleted_at is null`;
  const wanted = new Map<string, ReturnType<typeof sql>>([[indexName(table, 'changed'), sql`(_last_changed, _key) ${live}`]]);
  for (const [field, config] of Object.entries(entity.fields)) {
    if (!config.index) continue;
    const multi = config.array || config.type === 'json';
    wanted.set(indexName(table, `f_${field}`), multi ? sql`using gin (${sql.id(field)}) ${live}` : sql`(${sql.id(field)}, _key) ${live}`);
  }
  const { rows } = await sql<{ name: string; valid: boolean }>`
    select i.relname as name, x.indisvalid as valid from pg_index x
    join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = ${ENTITY_SCHEMA} and t.relname = ${table}`.execute(db);
  const managed = (index: string) => index === indexName(table, 'changed') || index.startsWith(`${table}__f_`) || index.startsWith(`${table.slice(0, 40)}__h_`);
  const present = new Map(rows.map((r) => [r.name, r.valid]));
  const empty = (await sql<{ any: boolean }>`select exists (select 1 from ${id}) as any`.execute(db)).rows[0]?.any !== true;
  const concurrently = sql.raw(empty ? '' : 'concurrently');
  for (const [index, valid] of present) {
    if (managed(index) && (!wanted.has(index) || !valid)) await sql`drop index ${concurrently} if exists ${sql.id(ENTITY_SCHEMA, index)}`.execute(db);
  }
  for (const [index, definition] of wanted) {
    if (present.get(index) === true) continue;
    await sql`create index ${concurrently} if not exists ${sql.id(index)} on ${id} ${definition}`.execute(db);
  }
}

/** `<table>__<suffix>`, or, past Postgres's 63-byte names, a prefix with a hash of the suffix. */
function indexName(table: string, suffix: string): string {
  const plain = `${table}__${suffix}`;
  if (Buffer.byteLength(plain) <= 63) return plain;
  return `${table.slice(0, 40)}__h_${createHash('sha256').update(suffix).digest('hex').slice(0, 16)}`;
}

/** The `using` expression of a cast: via text, except json -> other types (unquoted text) and arrays. */
function castExpression(field: string, from: string, to: string) {
  if (from === 'jsonb' && to !== 'jsonb') return sql`(${sql.id(field)} #>> '{}')::${sql.raw(to)}`;
  if (to === 'jsonb') return sql`to_jsonb(${sql.id(field)})`;
  if (from.endsWith('[]') !== to.endsWith('[]')) return to.endsWith('[]') ? sql`array[${sql.id(field)}]::${sql.raw(to)}` : sql`${sql.id(field)}[1]::${sql.raw(to)}`;
  return sql`${sql.id(field)}::text::${sql.raw(to)}`;
}

/** `format_type` spelling of the types `columnType` produces. */
function pgTypeName(t: string): string {
  const names: Record<string, string> = { text: 'text', bigint: 'bigint', numeric: 'numeric', boolean: 'boolean', timestamptz: 'timestamp with time zone', date: 'date', jsonb: 'jsonb' };
  const array = t.endsWith('[]');
  const base = names[array ? t.slice(0, -2) : t] ?? t;
  return array ? `${base}[]` : base;
}

/** Whether the entity's table has no row (soft-deleted ones included). */
export async function hasNoRows(db: Kysely<Database>, name: string, entity: EntityConfig): Promise<boolean> {
  const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
  const result = await sql<{ empty: boolean }>`select not exists (select 1 from ${table}) as empty`.execute(db);
  return result.rows[0]?.empty ?? false;
}
