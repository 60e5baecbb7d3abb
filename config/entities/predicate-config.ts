import { RE2JS } from 're2js';
import { z } from 'zod';

/**
 * A test on one value of a record, read by JSONPath. Without an operator it means `equals: true`.
 *
 * ```yaml
 * deletedWhen: { path: $.deleted_at, notNull: true }
 * deletedWhen: { path: $.status, in: [deleted, archived] }
 * skipWhen: { any: [{ path: $.type, equals: test }, { path: $.email, matches: '@example\.com$' }] }
 * ```
 */
export const valuePredicateSchema = z
  .strictObject({
    /** JSONPath of the value tested, e.g. `$.status` or `$.deleted_at`. */
    path: z.string().min(1).describe('JSONPath of the value tested.'),
    /** True when the value equals this (deep equality; `true` when no operator is given). */
    equals: z.unknown().optional().describe('The value equals this (the default test is equals: true).'),
    /** True when the value is one of these. */
    in: z.array(z.unknown()).min(1).optional().describe('The value is one of these.'),
    /** True when the value is present and not null. */
    notNull: z.literal(true).optional().describe('The value is present and not null.'),
    /** True when the value is missing or null. */
    isNull: z.literal(true).optional().describe('The value is missing or null.'),
    /** True when the value is text a regular expression finds a match in (RE2 syntax, linear time; anchor with ^ and $). */
    matches: z.string().optional().describe('The value is text containing a match of this RE2 regular expression.'),
  })
  .superRefine((p, ctx) => {
    const given = predicateOperators.filter((k) => p[k] !== undefined);
    if (given.length > 1) ctx.addIssue({ code: 'custom', message: `give at most one of ${predicateOperators.join(', ')} (got ${given.join(' and ')})` });
    if (p.matches !== undefined) {
      const problem = regexProblem(p.matches);
      if (problem) ctx.addIssue({ code: 'custom', path: ['matches'], message: problem });
    }
  });

/** The operators of a value predicate, at most one per predicate. */
export const predicateOperators = ['equals', 'in', 'notNull', 'isNull', 'matches'] as const;

/** A test on a record: a value predicate, or `all` / `any` of predicates, or `not` one. */
export type Predicate = z.infer<typeof valuePredicateSchema> | { readonly all: readonly Predicate[] } | { readonly any: readonly Predicate[] } | { readonly not: Predicate };

/** A record predicate (for `deletedWhen` and `skipWhen`): value tests combined with `all`, `any` and `not`. */
export const predicateSchema: z.ZodType<Predicate> = z.union([
  z.strictObject({
    /** Every predicate holds. */
    get all(): z.ZodArray<z.ZodType<Predicate>> {
      return z.array(predicateSchema).min(1);
    },
  }),
  z.strictObject({
    /** At least one predicate holds. */
    get any(): z.ZodArray<z.ZodType<Predicate>> {
      return z.array(predicateSchema).min(1);
    },
  }),
  z.strictObject({
    /** The predicate does not hold. */
    get not(): z.ZodType<Predicate> {
      return predicateSchema;
    },
  }),
  valuePredicateSchema,
]);

/** Why `pattern` is not a valid RE2 regular expression, or undefined. */
export function regexProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return `invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message} (RE2 syntax: no lookaround or backreferences)`;
  }
}

/** Every JSONPath a predicate reads, with its path inside the predicate. */
export function predicatePaths(p: Predicate, at: Array<string | number> = []): Array<{ path: string; at: Array<string | number> }> {
  if ('all' in p) return p.all.flatMap((q, i) => predicatePaths(q, [...at, 'all', i]));
  if ('any' in p) return p.any.flatMap((q, i) => predicatePaths(q, [...at, 'any', i]));
  if ('not' in p) return predicatePaths(p.not, [...at, 'not']);
  return [{ path: p.path, at: [...at, 'path'] }];
}
