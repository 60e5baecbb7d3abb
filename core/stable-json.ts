import { shortSha256 } from './short-hash.js';

/**
 * JSON with object keys sorted at every level, so equal values always serialize, and hash,
 * the same whatever order their keys were built in. The text is exactly
 * `JSON.stringify(value)` of a copy whose keys were inserted in sorted order (integer-like keys
 * therefore first, in numeric order, as JavaScript enumerates them), written in one pass
 * without building that copy.
 */
export function stableStringify(value: unknown): string {
  return write(value) as string;
}

/** A hex SHA-256 (first 32 chars) of the stable JSON of `value`: a content hash for change detection. */
export function contentHash(value: unknown): string {
  return hashStableJson(stableStringify(value));
}

/** The content hash of text that already is stable JSON (what `contentHash` computes from a value). */
export function hashStableJson(json: string): string {
  return shortSha256(json);
}

/** The JSON of one value, or undefined for what JSON leaves out (undefined, functions, symbols). */
function write(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (v === null) return 'null';
      return Array.isArray(v) ? writeArray(v) : writeObject(v);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      // bigint: fails (or uses a toJSON) exactly as JSON.stringify does.
      return JSON.stringify(v);
  }
}

function writeArray(a: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out += ',';
    out += write(a[i]) ?? 'null';
  }
  return `${out}]`;
}

function writeObject(o: object): string {
  const proto: unknown = Object.getPrototypeOf(o);
  // Dates, class instances and objects with their own toJSON are rare here: keep the exact
  // semantics of serializing a sorted copy rather than re-implementing JSON.stringify for them.
  if ((proto !== Object.prototype && proto !== null) || typeof (o as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(sortedCopy(o));
  const keys = sortedKeys(o);
  let out = '{';
  for (const key of keys) {
    // The sorted copy this text is defined by assigned `copy.__proto__ = ...`, which sets the
    // prototype instead of adding a key: an own "__proto__" key (JSON.parse makes them) never showed.
    if (key === '__proto__') continue;
    const s = write((o as Record<string, unknown>)[key]);
    if (s === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${s}`;
  }
  return `${out}}`;
}

/**
 * Own enumerable keys in the order a copy built in sorted order enumerates them: integer-like
 * keys (which `Object.keys` already lists first, ascending) then the others sorted.
 */
function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  let indexKeys = 0;
  while (indexKeys < keys.length && isArrayIndex(keys[indexKeys]!)) indexKeys++;
  if (isSorted(keys, indexKeys)) return keys;
  if (indexKeys === 0) return keys.sort();
  return [...keys.slice(0, indexKeys), ...keys.slice(indexKeys).sort()];
}

function isSorted(keys: readonly string[], from: number): boolean {
  for (let i = from + 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/** True for a canonical array index ("0", "17"; not "01" or "4294967295"), which objects enumerate first. */
function isArrayIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  return /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;
}

/** A copy with keys inserted in sorted order at every level (the reference form of stable JSON). */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortedCopy(v);
    }
    return out;
  }
  return value;
}
