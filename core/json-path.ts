/**
 * A small JSONPath subset used by record selectors, field mappings and pagination:
 * `$`, `$.a.b`, `$.a[0]`, `$.a[-1]` (the last element), `$.a[*].b`, `$['odd key']`, and bare
 * `a.b` (same as `$.a.b`).
 * Compiled once, evaluated many times.
 */
export interface JsonPath {
  /** The source text. */
  readonly text: string;
  /** True when the path can yield several values (`[*]`). */
  readonly multi: boolean;
  /** All values the path selects. */
  all(value: unknown): unknown[];
  /** The first value the path selects, or undefined. */
  first(value: unknown): unknown;
}

type Segment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

/** Thrown for a path that is not in the supported subset. */
export class JsonPathSyntaxError extends Error {
  /** Stable error code. */
  readonly code = 'JSONPATH_SYNTAX';
  constructor(path: string, reason: string) {
    super(`invalid JSONPath "${path}": ${reason}`);
    this.name = 'JsonPathSyntaxError';
  }
}

const cache = new Map<string, JsonPath>();

/** Compiles (and caches) a path. */
export function compileJsonPath(text: string): JsonPath {
  let compiled = cache.get(text);
  if (!compiled) {
    const segments = parse(text);
    const multi = segments.some((s) => s.kind === 'wildcard');
    // A path without a wildcard selects at most one value: walk to it without building arrays.
    compiled = Object.freeze(
      multi || segments.length === 0
        ? { text, multi, all: (value: unknown) => evaluate(segments, value), first: (value: unknown) => evaluate(segments, value, true)[0] }
        : {
            text,
            multi,
            all: (value: unknown) => {
              const v = walk(segments, value);
              return v === undefined ? [] : [v];
            },
            first: (value: unknown) => walk(segments, value),
          },
    );
    cache.set(text, compiled);
  }
  return compiled;
}

function parse(text: string): Segment[] {
  let rest = text.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  else rest = `.${rest}`;
  const segments: Segment[] = [];
  const pattern = /^(?:\.([A-Za-z_$][\w$-]*)|\[(-?\d+)\]|\[\*\]|\.\*|\['([^']*)'\]|\["([^"]*)"\])/;
  while (rest.length > 0) {
    const m = pattern.exec(rest);
    if (!m) throw new JsonPathSyntaxError(text, `unexpected "${rest}"`);
    if (m[1] !== undefined) segments.push({ kind: 'key', key: m[1] });
    else if (m[2] !== undefined) segments.push({ kind: 'index', index: Number(m[2]) });
    else if (m[3] !== undefined) segments.push({ kind: 'key', key: m[3] });
    else if (m[4] !== undefined) segments.push({ kind: 'key', key: m[4] });
    else segments.push({ kind: 'wildcard' });
    rest = rest.slice(m[0].length);
  }
  return segments;
}

/** `evaluate(segments, root, true)[0]` for segments without a wildcard. */
function walk(segments: readonly Segment[], root: unknown): unknown {
  let value = root;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    if (segment.kind === 'key') value = (value as Record<string, unknown>)[segment.key];
    else if (segment.kind === 'index') value = Array.isArray(value) ? value.at(segment.index) : undefined;
    if (value === undefined) return undefined;
  }
  return value;
}

function evaluate(segments: Segment[], root: unknown, firstOnly = false): unknown[] {
  let current: unknown[] = [root];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      if (segment.kind === 'key') {
        const v = (value as Record<string, unknown>)[segment.key];
        if (v !== undefined) next.push(v);
      } else if (segment.kind === 'index') {
        if (Array.isArray(value) && segment.index < value.length && segment.index >= -value.length) next.push(value.at(segment.index));
      } else {
        next.push(...(Array.isArray(value) ? value : Object.values(value)));
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return firstOnly ? current.slice(0, 1) : current;
}
