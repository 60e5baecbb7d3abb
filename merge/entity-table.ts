import { type Kysely, sql } from 'kysely';
import type { EntityConfig, EntityFieldConfig } from '../config/entity-config.js';

/** The schema holding the unified entity tables. */
export const ENTITY_SCHEMA = 'unified';

/** Columns every entity table has besides its fields. */
export const META_COLUMNS = {
  _key: 'text primary key',
  _provenance: 'jsonb not null',
  _sources: 'text[] not null',
  _first_seen: 'timestamptz not null',
  _last_changed: 'timestamptz not null',
  _last_run_id: 'text not null',
  _hash: 'text not null',
  _deleted_at: 'timestamptz',
} as const;

/** The Postgres type of a field's column. */
export function columnType(field: EntityFieldConfig): string {
  const base = { string: 'text', integer: 'bigint', decimal: 'numeric', boolean: 'boolean', timestamp: 'timestamptz', date: 'date', json: 'jsonb' }[field.type];
  return field.array && field.type !== 'json' ? `${base}[]` : base;
}

/** The table name of an entity. */
export function entityTableName(name: string, entity: EntityConfig): string {
  return entity.table ?? name;
}

/** Thrown when config changes a column in a way that is not additive. */
export class SchemaEvolutionError extends Error {
  /** Stable error code. */
  readonly code = 'SCHEMA_EVOLUTION_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'SchemaEvolutionError';
  }
}

/**
 * Creates the entity's table, or evolves it: new fields add nullable columns; a changed type is
 * refused with a message naming the field and the options. Removed fields keep their columns.
 * Names are validated identifiers from config and are still quoted.
 */
export async function ensureEntityTable<DB>(db: Kysely<DB>, name: string, entity: EntityConfig): Promise<void> {
  const table = entityTableName(name, entity);
  await sql`create schema if not exists ${sql.id(ENTITY_SCHEMA)}`.execute(db);
  const existing = await sql<{ column_name: string; type: string }>`
    select a.attname as column_name, format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${ENTITY_SCHEMA} and c.relname = ${table} and a.attnum > 0 and not a.attisdropped`.execute(db);
  if (existing.rows.length === 0) {
    const columns = [
      ...Object.entries(entity.fields).map(([f, c]) => sql`${sql.id(f)} ${sql.raw(columnType(c))}`),
      ...Object.entries(META_COLUMNS).map(([c, t]) => sql`${sql.id(c)} ${sql.raw(t)}`),
    ];
    await sql`create table if not exists ${sql.id(ENTITY_SCHEMA, table)} (${sql.join(columns)})`.execute(db);
    return;
  }
  const have = new Map(existing.rows.map((r) => [r.column_name, r.type]));
  for (const [field, config] of Object.entries(entity.fields)) {
    const want = pgTypeName(columnType(config));
    const got = have.get(field);
    if (got === undefined) {
      await sql`alter table ${sql.id(ENTITY_SCHEMA, table)} add column ${sql.id(field)} ${sql.raw(columnType(config))}`.execute(db);
    } else if (got !== want) {
      throw new SchemaEvolutionError(
        `entities.${name}.fields.${field}: the column ${ENTITY_SCHEMA}.${table}.${field} is ${got} but config now says ${want}; ` +
          `change the type back, add a new field under another name, or migrate the column yourself (alter table ... alter column ... type ...)`,
      );
    }
  }
}

/** `format_type` spelling of the types `columnType` produces. */
function pgTypeName(t: string): string {
  const names: Record<string, string> = { text: 'text', bigint: 'bigint', numeric: 'numeric', boolean: 'boolean', timestamptz: 'timestamp with time zone', date: 'date', jsonb: 'jsonb' };
  const array = t.endsWith('[]');
  const base = names[array ? t.slice(0, -2) : t] ?? t;
  return array ? `${base}[]` : base;
}
