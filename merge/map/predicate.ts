import { isDeepStrictEqual } from 'node:util';
import { RE2JS } from 're2js';
import type { Predicate } from '../../config/entities/predicate-config.js';
import { compileJsonPath } from '../../core/json-path.js';

/** A compiled record predicate. */
export type RecordTest = (record: unknown) => boolean;

/**
 * Compiles a `deletedWhen` / `skipWhen` predicate (never true without one). A value predicate
 * without an operator means `equals: true`; `matches` searches text on the linear-time RE2 engine.
 */
export function compilePredicate(p: Predicate | undefined): RecordTest {
  if (p === undefined) return () => false;
  if ('all' in p) {
    const tests = p.all.map(compilePredicate);
    return (r) => tests.every((t) => t(r));
  }
  if ('any' in p) {
    const tests = p.any.map(compilePredicate);
    return (r) => tests.some((t) => t(r));
  }
  if ('not' in p) {
    const test = compilePredicate(p.not);
    return (r) => !test(r);
  }
  const path = compileJsonPath(p.path);
  const read = path.multi ? (r: unknown) => path.all(r) : (r: unknown) => path.first(r);
  if (p.notNull) return (r) => read(r) !== null && read(r) !== undefined;
  if (p.isNull) return (r) => read(r) === null || read(r) === undefined;
  if (p.in !== undefined) {
    const values = p.in;
    return (r) => {
      const v = read(r);
      return values.some((x) => isDeepStrictEqual(v, x));
    };
  }
  if (p.matches !== undefined) {
    const re = RE2JS.compile(p.matches);
    return (r) => {
      const v = read(r);
      return typeof v === 'string' && re.test(v);
    };
  }
  const equals = p.equals === undefined ? true : p.equals;
  return (r) => isDeepStrictEqual(read(r), equals);
}
