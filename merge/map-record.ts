import type { EntityConfig, EntitySourceMapping, FieldMapping } from '../config/entity-config.js';
import { compileJsonPath } from '../core/json-path.js';
import { coerceValue } from './coerce-value.js';
import { applyTransforms } from './transforms.js';

/** A source record mapped onto an entity's fields, or the reasons it cannot be. */
export type MappedRecord =
  | { readonly ok: true; readonly values: Record<string, unknown>; readonly updatedAt: number | null }
  | { readonly ok: false; readonly reason: string; readonly problems: readonly string[] };

/** Maps raw records of one source stream to entity field values. Compiled once per merge. */
export type RecordMapper = (record: unknown) => MappedRecord;

/**
 * Compiles a stream's mapping for an entity: each field is read by JSONPath or template,
 * transformed, then coerced to the field's type. A record with a value of the wrong type or
 * without a required field is rejected with the reason (it goes to quarantine).
 */
export function compileRecordMapper(entity: EntityConfig, mapping: EntitySourceMapping): RecordMapper {
  const fields = Object.entries(mapping.fields).map(([name, m]) => ({ name, read: compileFieldReader(m), config: entity.fields[name]! }));
  const required = Object.entries(entity.fields).filter(([, f]) => f.required).map(([name]) => name);
  const readUpdatedAt = mapping.updatedAt ? compileFieldReader(mapping.updatedAt) : undefined;

  return (record) => {
    const values: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const f of fields) {
      const coerced = coerceValue(f.read(record), f.config);
      if (coerced.ok) values[f.name] = coerced.value;
      else problems.push(`${f.name}: ${coerced.reason}`);
    }
    for (const name of required) {
      if (values[name] === null || values[name] === undefined) problems.push(`${name}: required but missing`);
    }
    let updatedAt: number | null = null;
    if (readUpdatedAt) {
      const raw = readUpdatedAt(record);
      const ms = typeof raw === 'string' ? Date.parse(raw) : typeof raw === 'number' ? raw : Number.NaN;
      if (!Number.isNaN(ms)) updatedAt = ms;
      else if (raw !== null && raw !== undefined) problems.push(`updatedAt: expected a timestamp, got ${JSON.stringify(raw)}`);
    }
    return problems.length > 0 ? { ok: false, reason: problems.join('; '), problems } : { ok: true, values, updatedAt };
  };
}

/** A function reading one mapped value from a record. */
export function compileFieldReader(mapping: FieldMapping): (record: unknown) => unknown {
  if (typeof mapping === 'string') {
    const path = compileJsonPath(mapping);
    return path.multi ? (r) => path.all(r) : (r) => path.first(r);
  }
  const transforms = mapping.transforms;
  if (mapping.template !== undefined) {
    const template = mapping.template;
    const parts = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => ({ token: m[0], path: compileJsonPath(m[1]!) }));
    return (r) => {
      let text = template;
      // A template without placeholders is a constant.
      let any = parts.length === 0;
      for (const p of parts) {
        const v = p.path.first(r);
        if (v !== null && v !== undefined && v !== '') any = true;
        text = text.replace(p.token, v === null || v === undefined ? '' : String(v));
      }
      // A template over only missing values is missing, not an empty string.
      return applyTransforms(any ? text.replace(/\s+/g, ' ').trim() : null, transforms);
    };
  }
  if (mapping.concat !== undefined) {
    const paths = mapping.concat.map((p) => compileJsonPath(p));
    const separator = mapping.separator ?? ' ';
    return (r) => {
      const parts = paths.flatMap((p) => p.all(r)).flatMap((v) => (Array.isArray(v) ? v : [v]));
      const text = parts.filter((v) => v !== null && v !== undefined && v !== '').map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
      return applyTransforms(text.length > 0 ? text.join(separator) : null, transforms);
    };
  }
  // The schema requires exactly one of path, template or concat.
  const path = compileJsonPath(mapping.path!);
  return (r) => applyTransforms(path.multi ? path.all(r) : path.first(r), transforms);
}
