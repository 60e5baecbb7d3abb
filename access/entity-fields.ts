import type { EntityConfig, EntityFieldConfig } from '../config/entities/entity-config.js';
import { columnType } from '../store/entity-table-layout.js';

/** A column a client may filter, sort and select: an entity field or a public meta column. */
export interface QueryableColumn {
  readonly name: string;
  /** The field type (`string`, `integer`, ...); meta columns map onto the same names. */
  readonly type: EntityFieldConfig['type'];
  readonly array: boolean;
  /** Postgres type, for casts of client values (`bigint`, `timestamptz`, `text[]`...). */
  readonly sqlType: string;
  readonly doc?: string | undefined;
  /** Never null (meta columns): keyset conditions on it can be one row comparison, which an index serves. */
  readonly notNull?: boolean;
}

/** Meta columns every entity exposes besides its fields. */
export const META_QUERY_COLUMNS: readonly QueryableColumn[] = [
  { name: '_key', type: 'string', array: false, sqlType: 'text', doc: 'The stable entity key.', notNull: true },
  { name: '_sources', type: 'string', array: true, sqlType: 'text[]', doc: 'Sources with a live record for this entity.' },
  { name: '_first_seen', type: 'timestamp', array: false, sqlType: 'timestamptz', doc: 'When the entity was first merged.', notNull: true },
  { name: '_last_changed', type: 'timestamp', array: false, sqlType: 'timestamptz', doc: 'When a merge last changed the entity.', notNull: true },
];

const columnsOf = new WeakMap<EntityConfig, Map<string, QueryableColumn>>();

/** Every queryable column of an entity, fields first, keyed by name (built once per entity config). */
export function queryableColumns(entity: EntityConfig): Map<string, QueryableColumn> {
  const known = columnsOf.get(entity);
  if (known) return known;
  const out = new Map<string, QueryableColumn>();
  for (const [name, f] of Object.entries(entity.fields)) out.set(name, { name, type: f.type, array: f.array && f.type !== 'json', sqlType: columnType(f), doc: f.doc });
  for (const m of META_QUERY_COLUMNS) if (!out.has(m.name)) out.set(m.name, m);
  columnsOf.set(entity, out);
  return out;
}

/** Columns returned when the client selects none: key, fields, sources and times. */
export function defaultSelection(entity: EntityConfig): string[] {
  return ['_key', ...Object.keys(entity.fields), '_sources', '_first_seen', '_last_changed'];
}
