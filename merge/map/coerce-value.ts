import type { EntityFieldConfig } from '../../config/entities/entity-config.js';
import { NUL_REASON, containsNul } from '../../core/nul-character.js';

/** A value that fits its field's type, or why it does not. */
export type Coerced = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/**
 * Checks and normalizes a mapped value for its field type, to the JSON form stored in
 * contributions: integers as numbers, decimals as strings (no float rounding on the way to
 * `numeric`), timestamps as ISO strings in UTC, dates as `YYYY-MM-DD`.
 */
export function coerceValue(value: unknown, field: EntityFieldConfig): Coerced {
  if (value === null || value === undefined) return { ok: true, value: null };
  if (field.array && field.type !== 'json') {
    if (!Array.isArray(value)) return { ok: false, reason: `expected an array of ${field.type}, got ${describe(value)}` };
    const out: unknown[] = [];
    for (const item of value) {
      const c = coerceScalar(item, field.type);
      if (!c.ok) return c;
      out.push(c.value);
    }
    return { ok: true, value: out };
  }
  return coerceScalar(value, field.type);
}

function coerceScalar(v: unknown, type: EntityFieldConfig['type']): Coerced {
  switch (type) {
    case 'string':
      if (typeof v === 'string' && v.includes('\u0000')) return { ok: false, reason: NUL_REASON };
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? { ok: true, value: String(v) } : bad(v, 'a string');
    case 'integer': {
      const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
      if (typeof n === 'number' && Number.isSafeInteger(n)) return { ok: true, value: n };
      // Beyond 2^53 (an id parsed exactly, as its digits) it stays text, so no digit is lost on the way to bigint.
      if (typeof v === 'string' && /^-?\d+$/.test(v.trim()) && fitsInt8(BigInt(v.trim()))) return { ok: true, value: BigInt(v.trim()).toString() };
      return bad(v, 'an integer');
    }
    case 'decimal': {
      const s = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v.trim() : '';
      return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s) ? { ok: true, value: s } : bad(v, 'a decimal number');
    }
    case 'boolean':
      if (typeof v === 'boolean') return { ok: true, value: v };
      if (v === 'true' || v === 'false') return { ok: true, value: v === 'true' };
      return bad(v, 'a boolean');
    case 'timestamp': {
      const ms = typeof v === 'string' ? Date.parse(v) : v instanceof Date ? v.getTime() : Number.NaN;
      return Number.isNaN(ms) ? bad(v, 'an ISO 8601 timestamp') : { ok: true, value: new Date(ms).toISOString() };
    }
    case 'date': {
      const s = typeof v === 'string' ? v.trim() : '';
      if (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s))) return { ok: true, value: s };
      const ms = Date.parse(s);
      return Number.isNaN(ms) ? bad(v, 'a date (YYYY-MM-DD)') : { ok: true, value: new Date(ms).toISOString().slice(0, 10) };
    }
    case 'json':
      return containsNul(v) ? { ok: false, reason: NUL_REASON } : { ok: true, value: v };
  }
}

function fitsInt8(n: bigint): boolean {
  return n <= 9223372036854775807n && n >= -9223372036854775808n;
}

function bad(v: unknown, expected: string): Coerced {
  return { ok: false, reason: `expected ${expected}, got ${describe(v)}` };
}

function describe(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
