import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so equal values always serialize, and hash,
 * the same whatever order their keys were built in.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** A hex SHA-256 (first 32 chars) of the stable JSON of `value`: a content hash for change detection. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 32);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
