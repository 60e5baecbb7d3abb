import { isDeepStrictEqual } from 'node:util';
import { iRegexp } from './i-regexp.js';
import { type Comparable, type Comparison, type Filter, type FunctionArgument, type FunctionExpr, type Segment, type Selection, type Selector, type SingularSegment, parseJsonPath } from './json-path-syntax.js';

export { JsonPathSyntaxError, parseJsonPath } from './json-path-syntax.js';

/**
 * JSONPath per RFC 9535, used everywhere config takes a path (records, fields, cursors, totals,
 * match keys, tombstones): `$.a.b`, `$['odd key']`, `$.a[0]`, `$.a[-1]`, slices `$.a[1:3]`,
 * `$.a[::-1]`, wildcards `$.a[*]`, `$.a.*`, descendants `$..id`, unions `$.a[0,2]` and filters
 * `$.tags[?@ == 'vip']`, `$.items[?@.type == 'primary'].value`, with the functions `length`,
 * `count`, `value`, `match` and `search`. For compatibility a bare `a.b` means `$.a.b`, and a
 * member name with a dash (`$.first-name`) means `$['first-name']`.
 *
 * A path is parsed once by a maintained RFC 9535 parser, compiled to closures and cached; no
 * `eval`. `match` and `search` run on a linear-time regex engine, so a pattern in config cannot
 * make a record take exponential time.
 */
export interface JsonPath {
  /** The source text. */
  readonly text: string;
  /** True when the path can yield several values (it is not a singular query). */
  readonly multi: boolean;
  /** All values the path selects, in document order. */
  all(value: unknown): unknown[];
  /** The first value the path selects, or undefined. */
  first(value: unknown): unknown;
}

const cache = new Map<string, JsonPath>();

/** Compiles (and caches) a path. */
export function compileJsonPath(text: string): JsonPath {
  let compiled = cache.get(text);
  if (!compiled) {
    compiled = compile(text);
    cache.set(text, compiled);
  }
  return compiled;
}

/** Pushes what one segment selects from `value` onto `out`. */
type SegmentFn = (value: unknown, root: unknown, out: unknown[]) => void;
/** Evaluates a query (`@` = current) to its nodelist. */
type QueryFn = (current: unknown, root: unknown) => unknown[];

const NOTHING: unique symbol = Symbol('Nothing');
type Value = unknown;
type ValueFn = (current: unknown, root: unknown) => Value | typeof NOTHING;
type LogicalFn = (current: unknown, root: unknown) => boolean;

function compile(text: string): JsonPath {
  const ast = parseJsonPath(text);
  const singular = singularKeys(ast.segments);
  if (singular) {
    // A path of names and indexes selects at most one value: walk to it without building arrays.
    if (singular.length === 0) return Object.freeze({ text, multi: false, first: (value: unknown) => value, all: (value: unknown) => [value] });
    const first = compileWalk(singular);
    const all = (value: unknown) => {
      const v = first(value);
      return v === undefined ? [] : [v];
    };
    return Object.freeze({ text, multi: false, first, all });
  }
  const query = compileQuery(ast.segments);
  return Object.freeze({ text, multi: true, all: (value: unknown) => query(value, value), first: (value: unknown) => query(value, value)[0] });
}

/** The names and indexes of a singular query, or undefined for any other. */
function singularKeys(segments: readonly Segment[]): Array<string | number> | undefined {
  const keys: Array<string | number> = [];
  for (const s of segments) {
    if (s.type !== 'ChildSegment') return undefined;
    const node = s.node;
    if (node.type === 'MemberNameShorthand') keys.push(node.value);
    else if (node.type === 'BracketedSelection' && node.selectors.length === 1) {
      const only = node.selectors[0]!;
      if (only.type === 'NameSelector') keys.push(only.value);
      else if (only.type === 'IndexSelector') keys.push(only.value);
      else return undefined;
    } else return undefined;
  }
  return keys;
}

const INHERITED = new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__']);

/** `walk` specialised to its keys: one and two names (most mapped paths) read without a loop. */
function compileWalk(keys: ReadonlyArray<string | number>): (root: unknown) => unknown {
  const plain = keys.every((k) => typeof k === 'string' && !INHERITED.has(k));
  if (plain && keys.length === 1) {
    const [a] = keys as [string];
    return (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[a] : undefined);
  }
  if (plain && keys.length === 2) {
    const [a, b] = keys as [string, string];
    return (v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
      const w = (v as Record<string, unknown>)[a];
      return w !== null && typeof w === 'object' && !Array.isArray(w) ? (w as Record<string, unknown>)[b] : undefined;
    };
  }
  return (v) => walk(keys, v);
}

function walk(keys: ReadonlyArray<string | number>, root: unknown): unknown {
  let value = root;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined;
    if (typeof key === 'string') {
      if (Array.isArray(value)) return undefined;
      // Only a name that objects inherit (`constructor`, `__proto__`) needs the slower own-member check.
      if (INHERITED.has(key) && !Object.hasOwn(value, key)) return undefined;
      value = (value as Record<string, unknown>)[key];
      if (value === undefined) return undefined;
    } else {
      if (!Array.isArray(value)) return undefined;
      const i = key < 0 ? value.length + key : key;
      if (i < 0 || i >= value.length) return undefined;
      value = value[i];
    }
  }
  return value;
}

function compileQuery(segments: readonly Segment[]): QueryFn {
  const steps = segments.map(compileSegment);
  return (current, root) => {
    let nodes: unknown[] = [current];
    for (const step of steps) {
      const next: unknown[] = [];
      for (const v of nodes) step(v, root, next);
      nodes = next;
      if (nodes.length === 0) break;
    }
    return nodes;
  };
}

function compileSegment(segment: Segment): SegmentFn {
  const select = compileSelection(segment.node);
  if (segment.type === 'ChildSegment') return select;
  // A descendant segment applies the selection to the node and to every descendant, parents first.
  const visit: SegmentFn = (value, root, out) => {
    select(value, root, out);
    if (Array.isArray(value)) for (const child of value) visit(child, root, out);
    else if (isObject(value)) for (const key of Object.keys(value)) visit(value[key], root, out);
  };
  return visit;
}

function compileSelection(node: Selection): SegmentFn {
  if (node.type === 'WildcardSelector') return selectAll;
  if (node.type === 'MemberNameShorthand') return selectName(node.value);
  const selectors = node.selectors.map(compileSelector);
  if (selectors.length === 1) return selectors[0]!;
  return (value, root, out) => {
    for (const s of selectors) s(value, root, out);
  };
}

const selectAll: SegmentFn = (value, _root, out) => {
  if (Array.isArray(value)) out.push(...value);
  else if (isObject(value)) for (const key of Object.keys(value)) out.push(value[key]);
};

function selectName(name: string): SegmentFn {
  return (value, _root, out) => {
    if (isObject(value) && Object.hasOwn(value, name)) out.push(value[name]);
  };
}

function compileSelector(selector: Selector): SegmentFn {
  switch (selector.type) {
    case 'NameSelector':
      return selectName(selector.value);
    case 'WildcardSelector':
      return selectAll;
    case 'IndexSelector': {
      const index = selector.value;
      return (value, _root, out) => {
        if (!Array.isArray(value)) return;
        const i = index < 0 ? value.length + index : index;
        if (i >= 0 && i < value.length) out.push(value[i]);
      };
    }
    case 'SliceSelector': {
      const { start, end, step } = selector;
      return (value, _root, out) => {
        if (Array.isArray(value)) for (const i of sliceIndexes(value.length, start, end, step ?? 1)) out.push(value[i]);
      };
    }
    case 'FilterSelector': {
      const test = compileLogical(selector.value);
      return (value, root, out) => {
        if (Array.isArray(value)) {
          for (const child of value) if (test(child, root)) out.push(child);
        } else if (isObject(value)) {
          for (const key of Object.keys(value)) if (test(value[key], root)) out.push(value[key]);
        }
      };
    }
  }
}

/** The indexes an array slice selects (RFC 9535, 2.3.4.2.2). */
function sliceIndexes(length: number, start: number | null, end: number | null, step: number): number[] {
  const out: number[] = [];
  if (step === 0) return out;
  const norm = (i: number) => (i >= 0 ? i : length + i);
  if (step > 0) {
    const lower = Math.min(Math.max(norm(start ?? 0), 0), length);
    const upper = Math.min(Math.max(norm(end ?? length), 0), length);
    for (let i = lower; i < upper; i += step) out.push(i);
  } else {
    const upper = Math.min(Math.max(norm(start ?? length - 1), -1), length - 1);
    const lower = Math.min(Math.max(end === null ? -1 : norm(end), -1), length - 1);
    for (let i = upper; lower < i; i += step) out.push(i);
  }
  return out;
}

function compileLogical(expr: Filter | FunctionArgument): LogicalFn {
  switch (expr.type) {
    case 'LogicalOrExpr': {
      const [l, r] = [compileLogical(expr.left), compileLogical(expr.right)];
      return (c, root) => l(c, root) || r(c, root);
    }
    case 'LogicalAndExpr': {
      const [l, r] = [compileLogical(expr.left), compileLogical(expr.right)];
      return (c, root) => l(c, root) && r(c, root);
    }
    case 'LogicalNotExpr': {
      const inner = compileLogical(expr.expression);
      return (c, root) => !inner(c, root);
    }
    case 'TestExpr': {
      const inner = expr.expression;
      if (inner.type === 'FilterQuery') {
        const query = compileFilterQuery(inner);
        return (c, root) => query(c, root).length > 0;
      }
      const fn = compileFunction(inner);
      return (c, root) => fn(c, root) === true;
    }
    case 'ComparisonExpr':
      return compileComparison(expr);
    default:
      throw new Error(`unexpected ${expr.type} in a filter`);
  }
}

function compileFilterQuery(q: Extract<FunctionArgument, { type: 'FilterQuery' }>): QueryFn {
  const query = compileQuery(q.value.segments);
  return q.value.type === 'RelQuery' ? query : (_c, root) => query(root, root);
}

function compileComparison(expr: Comparison): LogicalFn {
  const left = compileComparable(expr.left);
  const right = compileComparable(expr.right);
  const op = expr.op;
  return (c, root) => compare(left(c, root), right(c, root), op);
}

function compileComparable(node: Comparable): ValueFn {
  switch (node.type) {
    case 'Literal': {
      const v = node.value;
      return () => v;
    }
    case 'RelSingularQuery':
    case 'AbsSingularQuery': {
      const keys = node.segments.map(singularKey);
      const relative = node.type === 'RelSingularQuery';
      return (c, root) => {
        const v = walk(keys, relative ? c : root);
        return v === undefined ? NOTHING : v;
      };
    }
    case 'FunctionExpr':
      return compileFunction(node);
  }
}

function singularKey(s: SingularSegment): string | number {
  return s.node.value;
}

/** RFC 9535 comparison: `==` of two Nothings is true; `<` only between two numbers or two strings. */
function compare(a: Value, b: Value, op: Comparison['op']): boolean {
  switch (op) {
    case '==':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case '<':
      return less(a, b);
    case '<=':
      return less(a, b) || equal(a, b);
    case '>':
      return less(b, a);
    case '>=':
      return less(b, a) || equal(a, b);
  }
}

function equal(a: Value, b: Value): boolean {
  if (a === NOTHING || b === NOTHING) return a === b;
  return a === b || (typeof a === 'object' && typeof b === 'object' && isDeepStrictEqual(a, b));
}

function less(a: Value, b: Value): boolean {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string') ? a < b : false;
}

/** `length`, `count`, `value`, `match` and `search` (RFC 9535, 2.4); an unknown function is false. */
function compileFunction(node: FunctionExpr): ValueFn {
  const args = node.arguments;
  const nodes = (i: number): QueryFn => {
    const arg = args[i]!;
    if (arg.type === 'FilterQuery') return compileFilterQuery(arg);
    if (arg.type === 'FunctionExpr') {
      const fn = compileFunction(arg);
      return (c, root) => {
        const v = fn(c, root);
        return v === NOTHING ? [] : [v];
      };
    }
    return () => [];
  };
  const value = (i: number): ValueFn => {
    const arg = args[i]!;
    if (arg.type === 'Literal') return () => arg.value;
    if (arg.type === 'FunctionExpr') return compileFunction(arg);
    if (arg.type === 'FilterQuery') {
      const q = compileFilterQuery(arg);
      return (c, root) => {
        const found = q(c, root);
        return found.length === 1 ? found[0] : NOTHING;
      };
    }
    const logical = compileLogical(arg);
    return (c, root) => logical(c, root);
  };
  switch (node.name) {
    case 'length': {
      if (args.length !== 1) break;
      const v = value(0);
      return (c, root) => {
        const x = v(c, root);
        if (typeof x === 'string') return [...x].length;
        if (Array.isArray(x)) return x.length;
        if (isObject(x)) return Object.keys(x).length;
        return NOTHING;
      };
    }
    case 'count': {
      if (args.length !== 1) break;
      const q = nodes(0);
      return (c, root) => q(c, root).length;
    }
    case 'value': {
      if (args.length !== 1) break;
      const q = nodes(0);
      return (c, root) => {
        const found = q(c, root);
        return found.length === 1 ? found[0] : NOTHING;
      };
    }
    case 'match':
    case 'search': {
      if (args.length !== 2) break;
      const [subject, pattern] = [value(0), value(1)];
      const whole = node.name === 'match';
      return (c, root) => {
        const s = subject(c, root);
        const p = pattern(c, root);
        if (typeof s !== 'string' || typeof p !== 'string') return false;
        const re = iRegexp(p);
        return re !== null && (whole ? re.testExact(s) : re.test(s));
      };
    }
  }
  return () => false;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
