import { type EntityConfig, type EntitySourceMapping, type FieldMapping, PARENT_PATH, isParentPath } from '../../config/entities/entity-config.js';
import { SIDELOAD_MEMBER, parseSideloadPath } from '../../config/entities/sideload-path.js';
import { compileJsonPath } from '../../core/json-path.js';
import { coerceValue } from './coerce-value.js';
import { applyTransforms } from './transforms.js';

/** A source record mapped onto an entity's fields, or the reasons it cannot be. */
export type MappedRecord =
  | { readonly ok: true; readonly values: Record<string, unknown>; readonly updatedAt: number | null }
  | { readonly ok: false; readonly reason: string; readonly problems: readonly string[] };

/**
 * Maps raw records of one source stream to entity field values. Compiled once per merge. For a
 * child mapping `record` is one element under `each` and `parent` the whole source record it
 * came from (read by `$parent` paths).
 */
export type RecordMapper = (record: unknown, parent?: unknown) => MappedRecord;

/** A field reader: `record` is what paths are relative to, `parent` what `$parent` paths read. */
export type FieldReader = (record: unknown, parent?: unknown) => unknown;

/**
 * Compiles a mapping path: a JSONPath into the element; `$parent...` into the parent record (the
 * whole source record of a child mapping); `$sideload.<name>[<key path>]...` into the side-loaded
 * record the key path's value names, staged with the source record under `$sideload`.
 */
function compileScopedPath(text: string): { multi: boolean; all: (r: unknown, p: unknown) => unknown[]; first: (r: unknown, p: unknown) => unknown } {
  const sideload = parseSideloadPath(text);
  if (sideload !== undefined) {
    // Config validation refused malformed side-load paths.
    if (typeof sideload === 'string') throw new Error(sideload);
    const key = compileJsonPath(sideload.keyPath);
    const rest = compileJsonPath(sideload.rest);
    const name = sideload.name;
    const target = (r: unknown, p: unknown): unknown => {
      const k = key.first(r);
      if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'bigint') return undefined;
      const tables = ((p ?? r) as Record<string, unknown> | null)?.[SIDELOAD_MEMBER] as Record<string, Record<string, unknown> | undefined> | undefined;
      const table = tables?.[name];
      const id = String(k);
      return table && Object.hasOwn(table, id) ? table[id] : undefined;
    };
    return {
      multi: rest.multi,
      all: (r, p) => {
        const t = target(r, p);
        return t === undefined ? [] : rest.all(t);
      },
      first: (r, p) => {
        const t = target(r, p);
        return t === undefined ? undefined : rest.first(t);
      },
    };
  }
  if (!isParentPath(text)) {
    const path = compileJsonPath(text);
    return { multi: path.multi, all: (r) => path.all(r), first: (r) => path.first(r) };
  }
  const path = compileJsonPath(`$${text.replace(PARENT_PATH, '')}`);
  return { multi: path.multi, all: (_, p) => path.all(p), first: (_, p) => path.first(p) };
}

/**
 * Compiles a stream's mapping for an entity: each field is read by JSONPath or template,
 * transformed, then coerced to the field's type. A record with a value of the wrong type or
 * without a required field is rejected with the reason (it goes to quarantine).
 */
export function compileRecordMapper(entity: EntityConfig, mapping: EntitySourceMapping): RecordMapper {
  const fields = Object.entries(mapping.fields).map(([name, m]) => ({ name, read: compileFieldReader(m), config: entity.fields[name]! }));
  const required = Object.entries(entity.fields).filter(([, f]) => f.required).map(([name]) => name);
  const readUpdatedAt = mapping.updatedAt ? compileFieldReader(mapping.updatedAt) : undefined;

  return (record, parent) => {
    const values: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const f of fields) {
      const coerced = coerceValue(f.read(record, parent), f.config);
      if (coerced.ok) values[f.name] = coerced.value;
      else problems.push(`${f.name}: ${coerced.reason}`);
    }
    for (const name of required) {
      if (values[name] === null || values[name] === undefined) problems.push(`${name}: required but missing`);
    }
    let updatedAt: number | null = null;
    if (readUpdatedAt) {
      const raw = readUpdatedAt(record, parent);
      const ms = typeof raw === 'string' ? Date.parse(raw) : typeof raw === 'number' ? raw : Number.NaN;
      if (!Number.isNaN(ms)) updatedAt = ms;
      else if (raw !== null && raw !== undefined) problems.push(`updatedAt: expected a timestamp, got ${JSON.stringify(raw)}`);
    }
    return problems.length > 0 ? { ok: false, reason: problems.join('; '), problems } : { ok: true, values, updatedAt };
  };
}

/**
 * A function reading one mapped value from a record. Paths (also inside templates and concat)
 * starting with `$parent` read the parent record of a child mapping instead of the element.
 */
export function compileFieldReader(mapping: FieldMapping): FieldReader {
  if (typeof mapping === 'string') {
    const path = compileScopedPath(mapping);
    return path.multi ? (r, p) => path.all(r, p) : (r, p) => path.first(r, p);
  }
  const transforms = mapping.transforms;
  if (mapping.template !== undefined) {
    const template = mapping.template;
    const parts = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => ({ token: m[0], path: compileScopedPath(m[1]!) }));
    return (r, p) => {
      let text = template;
      // A template without placeholders is a constant.
      let any = parts.length === 0;
      for (const part of parts) {
        const v = part.path.first(r, p);
        if (v !== null && v !== undefined && v !== '') any = true;
        text = text.replace(part.token, v === null || v === undefined ? '' : String(v));
      }
      // A template over only missing values is missing, not an empty string.
      return applyTransforms(any ? text.replace(/\s+/g, ' ').trim() : null, transforms);
    };
  }
  if (mapping.concat !== undefined) {
    const paths = mapping.concat.map((text) => compileScopedPath(text));
    const separator = mapping.separator ?? ' ';
    return (r, p) => {
      const parts = paths.flatMap((path) => path.all(r, p)).flatMap((v) => (Array.isArray(v) ? v : [v]));
      const text = parts.filter((v) => v !== null && v !== undefined && v !== '').map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
      return applyTransforms(text.length > 0 ? text.join(separator) : null, transforms);
    };
  }
  if (mapping.coalesce !== undefined) {
    const paths = mapping.coalesce.map((text) => compileScopedPath(text));
    return (r, p) => {
      for (const path of paths) {
        const v = path.multi ? path.all(r, p) : path.first(r, p);
        if (v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) return applyTransforms(v, transforms);
      }
      return applyTransforms(null, transforms);
    };
  }
  // The schema requires exactly one of path, template, concat or coalesce.
  const path = compileScopedPath(mapping.path!);
  return (r, p) => applyTransforms(path.multi ? path.all(r, p) : path.first(r, p), transforms);
}
