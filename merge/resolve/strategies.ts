import type { EntityFieldConfig, StrategyName } from '../../config/entities/entity-config.js';
import { coerceValue } from '../map/coerce-value.js';
import { type Contribution, type ProvenanceEntry, asOf, compareContributions, provenanceOf } from './contribution.js';
import { type CustomStrategyFn, CustomStrategyError, toCandidate } from './custom-strategy.js';

/** A field's resolved value and where it came from. */
export interface ResolvedField {
  readonly value: unknown;
  /** One entry for a value taken from one record; several for `union`/`sum`; null when no source had a value. */
  readonly provenance: ProvenanceEntry | readonly ProvenanceEntry[] | null;
}

/** What a strategy gets besides the contributions. */
export interface StrategyContext {
  readonly field: string;
  readonly config: EntityFieldConfig;
  /** Source precedence, most trusted first (field's own, else the entity's). */
  readonly priority: readonly string[];
  /** Source order as the entity's mappings list them (used by `first_non_null`). */
  readonly mappingOrder: readonly string[];
  /** The loaded function of a `custom` strategy. */
  readonly custom?: CustomStrategyFn;
}

/** Where strategies get the provenance of a value taken from a contribution (memoized by the entity resolver). */
export interface ProvenanceSource {
  of(c: Contribution): ProvenanceEntry;
}

const fresh: ProvenanceSource = { of: provenanceOf };

type Strategy = (candidates: readonly Contribution[], ctx: StrategyContext, prov: ProvenanceSource) => ResolvedField;

const none: ResolvedField = { value: null, provenance: null };

/** Strategies for which `nullOverwrites` means something: they pick one record. */
const PICKING: ReadonlySet<StrategyName> = new Set(['latest', 'earliest', 'priority', 'first_non_null']);

/**
 * Resolves one field from every contribution to an entity. Contributions whose value is null or
 * missing never take part, so a null never overwrites a value, unless the field sets
 * `nullOverwrites` for a strategy that picks one record: then a record that maps the field to
 * null takes part and may win. Every strategy breaks ties by a total order on (source, stream,
 * key), so the result does not depend on arrival order.
 */
export function resolveField(strategy: StrategyName, contributions: readonly Contribution[], ctx: StrategyContext): ResolvedField {
  return compileFieldResolver(strategy, ctx)([...contributions].sort(compareContributions), fresh);
}

/**
 * `resolveField` compiled once per field, for contributions already in the total order of
 * `compareContributions` (the entity resolver sorts them once per entity, not once per field).
 */
export function compileFieldResolver(strategy: StrategyName, ctx: StrategyContext): (sorted: readonly Contribution[], prov: ProvenanceSource) => ResolvedField {
  const field = ctx.field;
  const nullsCount = ctx.config.nullOverwrites && PICKING.has(strategy);
  const run = strategies[strategy];
  return (sorted, prov) => {
    const candidates: Contribution[] = [];
    for (const c of sorted) {
      const v = c.values[field];
      if (v !== undefined && (nullsCount || v !== null)) candidates.push(c);
    }
    return candidates.length === 0 ? none : run(candidates, ctx, prov);
  };
}

const pick = (c: Contribution | undefined, field: string, prov: ProvenanceSource): ResolvedField => (c ? { value: c.values[field], provenance: prov.of(c) } : none);

const rankBy = (order: readonly string[]) => (c: Contribution) => {
  const i = order.indexOf(c.source);
  return i === -1 ? order.length : i;
};

const strategies: Record<StrategyName, Strategy> = {
  latest: (cs, ctx, prov) => pick(best(cs, (a, b) => asOf(a) > asOf(b)), ctx.field, prov),
  earliest: (cs, ctx, prov) => pick(best(cs, (a, b) => asOf(a) < asOf(b)), ctx.field, prov),
  priority: (cs, ctx, prov) => {
    const rank = rankBy(ctx.priority);
    return pick(best(cs, (a, b) => rank(a) < rank(b)), ctx.field, prov);
  },
  first_non_null: (cs, ctx, prov) => {
    const rank = rankBy(ctx.mappingOrder);
    return pick(best(cs, (a, b) => rank(a) < rank(b)), ctx.field, prov);
  },
  max: (cs, ctx, prov) => pick(best(cs, (a, b) => compareValues(a.values[ctx.field], b.values[ctx.field], ctx.config.type) > 0), ctx.field, prov),
  min: (cs, ctx, prov) => pick(best(cs, (a, b) => compareValues(a.values[ctx.field], b.values[ctx.field], ctx.config.type) < 0), ctx.field, prov),
  union: (cs, ctx, prov) => {
    const seen = new Map<string, unknown>();
    for (const c of cs) {
      const v = c.values[ctx.field];
      for (const item of Array.isArray(v) ? v : [v]) seen.set(JSON.stringify(item), item);
    }
    // Sorted by serialized form so the array is the same whatever the arrival order.
    const value = [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    return { value, provenance: cs.map((c) => prov.of(c)) };
  },
  custom: (cs, ctx, prov) => {
    if (!ctx.custom) throw new CustomStrategyError(`field ${ctx.field}: the custom strategy function is not loaded`);
    const candidates = cs.map((c) => toCandidate(c, ctx.field));
    const result: unknown = ctx.custom(candidates, { name: ctx.field, type: ctx.config.type, array: ctx.config.array });
    if (result instanceof Promise) throw new CustomStrategyError(`field ${ctx.field}: a custom strategy must return its value synchronously, not a Promise`);
    const picked = candidates.indexOf(result as never);
    if (picked >= 0) return { value: cs[picked]!.values[ctx.field], provenance: prov.of(cs[picked]!) };
    if (result === null || result === undefined) return none;
    // A derived value is checked like a mapped one; every candidate counts as its provenance.
    const coerced = coerceValue(result, ctx.config);
    if (!coerced.ok) throw new CustomStrategyError(`field ${ctx.field}: the custom strategy returned a value that does not fit the field: ${coerced.reason}`);
    return { value: coerced.value, provenance: cs.map((c) => prov.of(c)) };
  },
  sum: (cs, ctx, prov) => {
    const total = cs.reduce((acc, c) => acc + Number(c.values[ctx.field]), 0);
    const value = ctx.config.type === 'decimal' ? String(Number(total.toPrecision(15))) : total;
    return { value, provenance: cs.map((c) => prov.of(c)) };
  },
};

/** The first candidate `better` prefers over all others; candidates arrive in the total order, so ties keep the earlier one. */
function best(cs: readonly Contribution[], better: (a: Contribution, b: Contribution) => boolean): Contribution | undefined {
  let winner = cs[0];
  for (let i = 1; i < cs.length; i++) if (winner && better(cs[i]!, winner)) winner = cs[i];
  return winner;
}

/** Orders two values of a field type (numbers numerically, timestamps by time, others as strings). */
export function compareValues(a: unknown, b: unknown, type: EntityFieldConfig['type']): number {
  if (type === 'integer' || type === 'decimal') return Math.sign(Number(a) - Number(b));
  if (type === 'timestamp' || type === 'date') return Math.sign(Date.parse(String(a)) - Date.parse(String(b)));
  if (type === 'boolean') return Number(a) - Number(b);
  const x = typeof a === 'string' ? a : JSON.stringify(a);
  const y = typeof b === 'string' ? b : JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
