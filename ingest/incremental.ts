import type { IncrementalConfig } from '../config/sources/incremental-config.js';
import { compileJsonPath } from '../core/json-path.js';
import { parseDuration } from '../core/duration.js';

/**
 * A record's cursor value in comparable form: ISO for timestamps (epoch seconds or
 * milliseconds are understood), the decimal text for numbers, the text for strings;
 * undefined when missing or unreadable.
 */
export function cursorValueOf(record: unknown, c: Pick<IncrementalConfig, 'cursorField' | 'cursorType'>): string | undefined {
  return normalizeCursor(compileJsonPath(c.cursorField).first(record), c.cursorType);
}

/** Normalizes a raw cursor value (see `cursorValueOf`). */
export function normalizeCursor(v: unknown, type: IncrementalConfig['cursorType']): string | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (type === 'number') {
    // An integer beyond 2^53 arrives as its exact digits and stays exact.
    if (typeof v === 'string' && /^-?\d{16,}$/.test(v.trim())) return BigInt(v.trim()).toString();
    const n = Number(v);
    return Number.isFinite(n) ? String(n) : undefined;
  }
  if (type === 'string') return String(v);
  const ms = typeof v === 'number' ? (v < 1e12 ? v * 1000 : v) : /^\d+(\.\d+)?$/.test(String(v)) ? Number(v) * (Number(v) < 1e12 ? 1000 : 1) : Date.parse(String(v));
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** The greater of two normalized cursor values (undefined-safe). */
export function maxCursor(a: string | undefined | null, b: string | undefined | null, type: IncrementalConfig['cursorType']): string | undefined {
  if (a === undefined || a === null) return b ?? undefined;
  if (b === undefined || b === null) return a;
  if (type === 'number') return compareNumbers(b, a) > 0 ? b : a;
  if (type === 'timestamp') return Date.parse(b) > Date.parse(a) ? b : a;
  return b > a ? b : a;
}

/** The start of a run's incremental window: the watermark minus lookback, else the initial value, else none (read everything). */
export function incrementalStart(watermark: string | undefined, c: IncrementalConfig): string | undefined {
  const base = watermark ?? normalizeCursor(c.initial, c.cursorType);
  if (base === undefined || c.lookback === undefined) return base;
  if (c.cursorType === 'number') {
    const back = typeof c.lookback === 'number' ? c.lookback : 0;
    return /^-?\d+$/.test(base) && Number.isInteger(back) ? (BigInt(base) - BigInt(back)).toString() : String(Number(base) - back);
  }
  if (c.cursorType === 'timestamp') {
    const ms = typeof c.lookback === 'number' ? c.lookback * 1000 : parseDuration(c.lookback);
    return new Date(Date.parse(base) - ms).toISOString();
  }
  return base;
}

/** A start value as requests carry it (`format`: ISO, epoch seconds or milliseconds for timestamps). */
export function formatStart(value: string, c: IncrementalConfig): string | number {
  if (c.cursorType === 'number') return Number.isSafeInteger(Number(value)) || !/^-?\d+$/.test(value) ? Number(value) : value;
  if (c.cursorType !== 'timestamp' || c.format === 'iso') return value;
  const ms = Date.parse(value);
  return c.format === 'epoch_ms' ? ms : Math.floor(ms / 1000);
}

/** Compares two normalized number cursors, exactly when both are integers (beyond 2^53 too). */
function compareNumbers(a: string, b: string): number {
  if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x === y ? 0 : x > y ? 1 : -1;
  }
  return Number(a) - Number(b);
}
