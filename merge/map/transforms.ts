import { RE2JS } from 're2js';
import type { Transform } from '../../config/entities/entity-config.js';
import { compileJsonPath } from '../../core/json-path.js';
import { type TimestampParser, compileTimestampParser } from './parse-timestamp.js';

const parsers = new WeakMap<object, TimestampParser>();
const regexps = new Map<string, RE2JS>();

/** A pattern compiled once on the linear-time engine (config validation refused invalid ones). */
function regex(pattern: string): RE2JS {
  let re = regexps.get(pattern);
  if (!re) regexps.set(pattern, (re = RE2JS.compile(pattern)));
  return re;
}

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
    if ('regex_extract' in step) {
      if (typeof v !== 'string') return v;
      const re = regex(step.regex_extract.pattern);
      const m = re.matcher(v);
      if (!m.find()) return null;
      const group = step.regex_extract.group ?? (re.groupCount() > 0 ? 1 : 0);
      return m.group(group);
    }
    if ('regex_replace' in step) return typeof v === 'string' ? regex(step.regex_replace.pattern).matcher(v).replaceAll(step.regex_replace.with) : v;
    if ('split' in step) {
      if (typeof v !== 'string') return v;
      const parts = v.split(step.split.separator);
      return step.split.index === undefined ? parts : (parts.at(step.split.index) ?? null);
    }
    if ('pick' in step) {
      if (!Array.isArray(v)) return v;
      const picked = compileJsonPath(`$[?${step.pick.where}]`).all(v);
      return step.pick.all ? picked : (picked[0] ?? null);
    }
    if ('join' in step) {
      if (!Array.isArray(v)) return v;
      const parts = v.filter((x) => x !== null && x !== undefined && x !== '').map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x)));
      return parts.length === 0 ? null : parts.join(step.join.separator);
    }
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
