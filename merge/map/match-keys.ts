import type { EntityConfig } from '../../config/entities/entity-config.js';
import { type MatchPairs, normalizeMatchValue } from '../identity/identity.js';
import { compileFieldReader } from './map-record.js';

/** Reads a record's match pairs, given the raw record and its mapped field values. */
export type MatchReader = (record: unknown, values: Readonly<Record<string, unknown>>) => MatchPairs;

/**
 * Compiles the entity's match keys for one source stream, in `matchOn` order: a field key takes
 * the field's mapped value (each element of an array field is a value of its own); an
 * external-id key reads the stream's own path from the raw record (streams it does not list
 * have no value for it). Values are normalized (trimmed, lower-case); empty ones are skipped.
 */
export function compileMatchReader(entity: EntityConfig, ref: string): MatchReader {
  const readers = entity.matchOn.map((key) => {
    if (typeof key === 'string') return { name: key, read: (_: unknown, values: Readonly<Record<string, unknown>>) => values[key] };
    const mapping = key.from[ref];
    const read = mapping === undefined ? undefined : compileFieldReader(mapping);
    return { name: key.key, read: (record: unknown) => read?.(record) };
  });
  return (record, values) => {
    const pairs: Array<readonly [string, string]> = [];
    for (const r of readers) {
      const raw = r.read(record, values);
      for (const v of Array.isArray(raw) ? raw : [raw]) {
        const n = normalizeMatchValue(v);
        if (n !== null && !pairs.some(([f, x]) => f === r.name && x === n)) pairs.push([r.name, n]);
      }
    }
    return pairs;
  };
}
