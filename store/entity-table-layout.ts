/**
 * What the unified entity tables look like, for the merge that writes them and the access API
 * that reads them: their schema, names, bookkeeping columns and column types.
 */
import type { EntityConfig, EntityFieldConfig } from '../config/entities/entity-config.js';

/** The schema holding the unified entity tables. */
export const ENTITY_SCHEMA = 'unified';

/**
 * Columns every entity table has besides its fields:
 * - `_key`: the stable entity key (for a child: parent key, `:`, child key);
 * - `_provenance`: per field, `{source, stream, key, at}` of the record that supplied the value
 *   (an array for `union`, `sum` and derived `custom` values);
 * - `_sources`: sources with a live record; `_deleted_by`: withdrawn records `[{source, stream, key, at}]`;
 * - `_first_seen`, `_last_changed`: when the row was created and last changed; `_last_run_id`: the run that last changed it;
 * - `_hash`: content hash of the merge, which guards rewrites;
 * - `_deleted_at`: soft deletion (no live source left, or merged into another entity);
 * - `_merged_into`: the surviving key when identity merged this entity into another.
 * When the entity was last seen upstream lives in `tributary.entity_seen` (so reruns rewrite no row).
 */
export const META_COLUMNS = {
  _key: 'text primary key',
  _provenance: 'jsonb not null',
  _sources: 'text[] not null',
  _first_seen: 'timestamptz not null',
  _last_changed: 'timestamptz not null',
  _last_run_id: 'text not null',
  _hash: 'text not null',
  _deleted_at: 'timestamptz',
  _deleted_by: 'jsonb',
  _merged_into: 'text',
} as const;

/** The extra column of a child entity: its parent's key (indexed). */
export const PARENT_COLUMN = '_parent_key';

/** The Postgres type of a field's column. */
export function columnType(field: EntityFieldConfig): string {
  const base = { string: 'text', integer: 'bigint', decimal: 'numeric', boolean: 'boolean', timestamp: 'timestamptz', date: 'date', json: 'jsonb' }[field.type];
  return field.array && field.type !== 'json' ? `${base}[]` : base;
}

/** The table name of an entity. */
export function entityTableName(name: string, entity: EntityConfig): string {
  return entity.table ?? name;
}
