import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';

/** One problem in a config file, located by its path. */
export interface ConfigProblem {
  /** Dotted path such as `sources.crm.auth.type`. */
  readonly path: string;
  /** What is wrong and, where known, the valid values. */
  readonly message: string;
}

/** A config file that cannot be used; `problems` lists every problem with its path. Never retryable. */
export class ConfigError extends Error {
  /** Stable error code. */
  readonly code = 'CONFIG_INVALID';
  /** Every problem found. */
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    super(`${file}: invalid config\n${problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Turns zod issues into problems that name the config path, the wrong value (read from `input`,
 * the config as parsed) and, where the schema knows them, the valid values or keys, with a
 * "did you mean" for a near miss.
 */
export function problemsFromZod(error: z.ZodError, input?: unknown, schema?: z.ZodType): ConfigProblem[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: describeIssue(issue, input, schema) }));
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** "; did you mean "x"?" when one of `valid` is close to `got` (a typo), else "". */
export function didYouMean(got: unknown, valid: readonly string[]): string {
  if (typeof got !== 'string' || valid.length === 0) return '';
  const best = closest(got, [...valid]);
  const d = distance(got.toLowerCase(), best.toLowerCase());
  return d > 0 && d <= Math.max(2, Math.floor(got.length / 3)) ? `; did you mean "${best}"?` : '';
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType | undefined): string {
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_value': {
      const valid = issue.values.map((v) => String(v));
      return `got ${show(value)}; valid: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${didYouMean(value, valid)}`;
    }
    case 'unrecognized_keys': {
      const known = schema ? objectKeysAt(schema, issue.path, input) : [];
      const hints = issue.keys.map((k) => didYouMean(k, known)).filter(Boolean);
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}${hints.length === 1 && issue.keys.length === 1 ? hints[0] : ''}${known.length > 0 ? ` (valid keys: ${known.join(', ')})` : ''}`;
    }
    case 'invalid_key':
      return `the name ${show(issue.path[issue.path.length - 1])} is not allowed: ${issue.issues.map((i) => i.message).join('; ')}`;
    case 'invalid_type':
      return value === undefined ? `missing (expected ${expectedName(issue.expected)})` : `expected ${expectedName(issue.expected)}, got ${show(value)}`;
    case 'invalid_union':
      return describeUnion(issue, value);
    default:
      return issue.message;
  }
}

/** A union none of whose options took the value: the discriminator's valid values, or what the options accept. */
function describeUnion(issue: z.core.$ZodIssueInvalidUnion, value: unknown): string {
  const extra = issue as { discriminator?: string; options?: unknown[] };
  if (extra.discriminator !== undefined && Array.isArray(extra.options)) {
    const valid = extra.options.map(String);
    return `got ${show(value)}; valid: ${valid.join(', ')}${didYouMean(value, valid)}`;
  }
  // The options that got past the value's type say more than the ones that wanted another type.
  const branches = issue.errors.filter((errs) => !errs.some((e) => e.code === 'invalid_type' && e.path.length === 0));
  const words = new Set<string>();
  const collect = (errs: readonly z.core.$ZodIssue[]) => {
    for (const e of errs) {
      if (e.code === 'invalid_value' && e.path.length === 0) for (const v of e.values) words.add(String(v));
      if (e.code === 'invalid_union' && e.path.length === 0) e.errors.forEach(collect);
    }
  };
  issue.errors.forEach(collect);
  if (typeof value === 'string' && words.size > 0) return `got ${show(value)}; valid: ${[...words].map((w) => JSON.stringify(w)).join(', ')}${didYouMean(value, [...words])}`;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const objects = branches.filter((errs) => !errs.some((e) => e.code === 'invalid_value' && e.path.length === 0));
    // An option that took the value's keys, with problems inside: that is the option meant.
    const inside = objects.filter((errs) => errs.every((e) => e.path.length > 0 && !(e.code === 'invalid_type' && e.path.length === 1 && valueAt(value, e.path) === undefined)));
    const best = [...(inside.length > 0 ? inside : [])].sort((a, b) => a.length - b.length)[0];
    if (best) return best.map((e) => `${formatPath(e.path)}: ${describeIssue(e, value, undefined)}`).join('; ');
    // Options that are objects of one key (`{ scale: 0.01 }`): name the key that was not recognized and the valid ones.
    const valid = [...new Set(objects.flatMap((errs) => errs.filter((e) => e.code === 'invalid_type' && e.path.length === 1 && valueAt(value, e.path) === undefined).map((e) => String(e.path[0]))))];
    const unknown = Object.keys(value).filter((k) => !valid.includes(k));
    if (valid.length > 0 && unknown.length > 0) {
      const forms = [...[...words].map((w) => JSON.stringify(w)), ...valid.map((k) => `{ ${k}: ... }`)];
      return `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; valid: ${forms.join(', ')}${didYouMean(unknown[0], valid)}`;
    }
    const fewest = [...objects].sort((a, b) => a.length - b.length)[0];
    if (fewest) return fewest.map((e) => `${formatPath(e.path) || 'value'}: ${describeIssue(e, value, undefined)}`).join('; ');
  }
  return `${issue.message}: got ${show(value)}${words.size > 0 ? `; valid: ${[...words].map((w) => JSON.stringify(w)).join(', ')}` : ''}`;
}

/** The value at a zod issue's path in the config as parsed. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** Minimal view of zod 4's schema definitions, to find the keys an object at a path takes. */
interface Def {
  readonly type: string;
  readonly shape?: Record<string, { _zod: { def: Def } }>;
  readonly innerType?: { _zod: { def: Def } };
  readonly element?: { _zod: { def: Def } };
  readonly valueType?: { _zod: { def: Def } };
  readonly in?: { _zod: { def: Def } };
  readonly getter?: () => { _zod: { def: Def } };
  readonly options?: ReadonlyArray<{ _zod: { def: Def } }>;
}

/** The keys the object schema at `path` takes (for a union, the option the value's discriminator picks, else every option's). */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  const defs = resolve((schema as unknown as { _zod: { def: Def } })._zod.def, path, input, 0);
  return [...new Set(defs.flatMap((d) => Object.keys(d.shape ?? {})))];
}

function unwrap(def: Def): Def {
  if (def.innerType) return unwrap(def.innerType._zod.def);
  if (def.type === 'pipe' && def.in) return unwrap(def.in._zod.def);
  if (def.type === 'lazy' && def.getter) return unwrap(def.getter()._zod.def);
  return def;
}

function resolve(raw: Def, path: readonly PropertyKey[], input: unknown, i: number): Def[] {
  const def = unwrap(raw);
  if (def.type === 'union' && def.options) {
    const value = valueAt(input, path.slice(0, i));
    const options = def.options.map((o) => unwrap(o._zod.def)).filter((o) => o.type === 'object');
    // A discriminated option whose `type` literal is the value's.
    const picked = options.filter((o) => {
      const t = o.shape?.type ? unwrap(o.shape.type._zod.def) : undefined;
      return t && value && typeof value === 'object' && (t as { values?: unknown[] }).values?.includes((value as { type?: unknown }).type);
    });
    return (picked.length > 0 ? picked : options).flatMap((o) => resolve(o, path, input, i));
  }
  if (i === path.length) return def.type === 'object' ? [def] : [];
  const step = path[i]!;
  if (def.type === 'object' && def.shape && typeof step === 'string' && def.shape[step]) return resolve(def.shape[step]._zod.def, path, input, i + 1);
  if (def.type === 'array' && def.element) return resolve(def.element._zod.def, path, input, i + 1);
  if (def.type === 'record' && def.valueType) return resolve(def.valueType._zod.def, path, input, i + 1);
  return [];
}

function expectedName(expected: string): string {
  return expected === 'record' ? 'a map of names to values' : expected;
}
