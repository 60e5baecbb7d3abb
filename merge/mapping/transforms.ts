import type { Transform } from '../../config/entity-config.js';
import { type TimestampParser, compileTimestampParser } from './parse-timestamp.js';

const parsers = new WeakMap<object, TimestampParser>();

/** Applies transform steps in order. Steps other than `default` pass null/undefined through. */
export function applyTransforms(value: unknown, steps: readonly Transform[]): unknown {
  let v = value;
  for (const step of steps) v = applyOne(v, step);
  return v;
}

function applyOne(v: unknown, step: Transform): unknown {
  if (typeof step === 'object') {
    if ('default' in step) return v === null || v === undefined || v === '' ? step.default : v;
    if (v === null || v === undefined) return v;
    if ('parse_timestamp' in step) {
      let parse = parsers.get(step);
      if (!parse) parsers.set(step, (parse = compileTimestampParser(step.parse_timestamp.format, step.parse_timestamp.timezone)));
      // Text that does not fit the format passes through, so type coercion names it in quarantine.
      return typeof v === 'string' ? (parse(v)?.toISOString() ?? v) : v;
    }
    if ('scale' in step) return typeof v === 'number' || (typeof v === 'string' && v.trim() !== '') ? Number((Number(v) * step.scale).toPrecision(15)) : v;
    const key = String(v);
    return Object.hasOwn(step.map, key) ? step.map[key] : v;
  }
  if (v === null || v === undefined) return v;
  switch (step) {
    case 'trim':
      return typeof v === 'string' ? v.trim() : v;
    case 'lower':
      return typeof v === 'string' ? v.toLowerCase() : v;
    case 'upper':
      return typeof v === 'string' ? v.toUpperCase() : v;
    case 'digits':
      return typeof v === 'string' ? v.replace(/\D+/g, '') : v;
    case 'null_if_empty':
      return typeof v === 'string' && v.trim() === '' ? null : v;
    case 'epoch_seconds':
      return typeof v === 'number' || /^\d+$/.test(String(v)) ? new Date(Number(v) * 1000).toISOString() : v;
    case 'epoch_millis':
      return typeof v === 'number' || /^\d+$/.test(String(v)) ? new Date(Number(v)).toISOString() : v;
    case 'to_string':
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'to_number':
      return typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
}
