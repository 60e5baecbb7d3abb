import { parseStreamKey } from '../../core/stream-key.js';
import type { EntityConfig } from '../../config/entities/entity-config.js';
import { hashStableJson, stableStringify } from '../../core/stable-json.js';
import { type Contribution, type ProvenanceEntry, ProvenanceMemo, compareContributions, provenanceJson, provenanceOf } from './contribution.js';
import type { CustomStrategyFn } from './custom-strategy.js';
import { type ResolvedField, compileFieldResolver } from './strategies.js';

/** An entity as merged from its contributions, ready to write. */
export interface ResolvedEntity {
  readonly key: string;
  /** Field values by field name (null where no source had one). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Per field: which source record supplied the value, and as of when. */
  readonly provenance: Readonly<Record<string, ResolvedField['provenance']>>;
  /** Sources with a live (not withdrawn) record, sorted. Empty means the entity is deleted. */
  readonly sources: readonly string[];
  /** Source records that were withdrawn (tombstones, deleted-records feeds), sorted, with when. */
  readonly deletedBy: readonly ProvenanceEntry[];
  /** Hash of values, provenance, sources and withdrawals: unchanged hash means nothing to write. */
  readonly hash: string;
  /** The stable JSON the hash was computed from, by part, so a writer need not serialize again. */
  readonly json: ResolvedEntityJson;
}

/** Stable JSON (`stableStringify`) of the parts of a resolved entity. */
export interface ResolvedEntityJson {
  readonly values: string;
  readonly provenance: string;
  readonly sources: string;
  /** Null when nothing was withdrawn. */
  readonly deletedBy: string | null;
}

/** Merges every contribution to one entity; compiled once per entity config by `compileEntityResolver`. */
export type EntityResolver = (key: string, contributions: readonly Contribution[]) => ResolvedEntity;

/**
 * Merges every contribution to one entity, field by field. Withdrawn contributions take no part
 * but are listed in `deletedBy`. The result depends only on the set of contributions, never on
 * their order, so merging in any order or across runs agrees.
 */
export function resolveEntity(key: string, entity: EntityConfig, contributions: readonly Contribution[], customs?: ReadonlyMap<string, CustomStrategyFn>): ResolvedEntity {
  return compileEntityResolver(entity, customs)(key, contributions);
}

/**
 * `resolveEntity` with the per-entity work (strategy lookup, field contexts, key order) done
 * once. The hash is `contentHash` of `{ values, provenance, sources }` (plus `deletedBy` when
 * something was withdrawn), written straight from the known shape instead of through a sorted
 * copy.
 */
export function compileEntityResolver(entity: EntityConfig, customs?: ReadonlyMap<string, CustomStrategyFn>): EntityResolver {
  const mappingOrder = [...new Set(Object.keys(entity.sources).map((ref) => parseStreamKey(ref).source))];
  const fields = Object.entries(entity.fields).map(([field, config]) => {
    const custom = customs?.get(field);
    const ctx = { field, config, priority: config.priority ?? entity.priority, mappingOrder, ...(custom ? { custom } : {}) };
    return { field, resolve: compileFieldResolver(config.strategy ?? entity.defaultStrategy, ctx) };
  });
  // The order stable JSON lists the fields in, taken from stableStringify itself so it always agrees.
  const jsonOrder = Object.keys(JSON.parse(stableStringify(Object.fromEntries(fields.map((f) => [f.field, 0])))) as object).map((field) => ({ field, label: `${JSON.stringify(field)}:` }));

  return (key, contributions) => {
    const sorted = contributions.length > 1 ? [...contributions].sort(compareContributions) : contributions;
    const live: Contribution[] = [];
    const withdrawn: Contribution[] = [];
    for (const c of sorted) (c.deletedAt === null || c.deletedAt === undefined ? live : withdrawn).push(c);
    const deletedBy = withdrawn.map((c) => ({ ...provenanceOf(c), at: new Date(c.deletedAt!).toISOString() }));
    const memo = new ProvenanceMemo();
    const values: Record<string, unknown> = {};
    const provenance: Record<string, ResolvedField['provenance']> = {};
    for (const f of fields) {
      const resolved = f.resolve(live, memo);
      values[f.field] = resolved.value;
      if (resolved.provenance) provenance[f.field] = resolved.provenance;
    }
    const sources: string[] = [];
    // Live contributions are sorted by source first, so equal sources are adjacent and in order.
    for (const c of live) if (sources[sources.length - 1] !== c.source) sources.push(c.source);
    const json = entityJson(jsonOrder, memo, values, provenance, sources, deletedBy);
    const text = `{${json.deletedBy === null ? '' : `"deletedBy":${json.deletedBy},`}"provenance":${json.provenance},"sources":${json.sources},"values":${json.values}}`;
    return { key, values, provenance, sources, deletedBy, hash: hashStableJson(text), json };
  };
}

// Parts are joined from arrays: a joined string is flat, where `+=` would leave a rope of many
// small strings for the garbage collector to copy while the batch is alive.
function entityJson(
  order: ReadonlyArray<{ field: string; label: string }>,
  memo: ProvenanceMemo,
  values: Readonly<Record<string, unknown>>,
  provenance: Readonly<Record<string, ResolvedField['provenance']>>,
  sources: readonly string[],
  deletedBy: readonly ProvenanceEntry[],
): ResolvedEntityJson {
  const v: string[] = [];
  const p: string[] = [];
  for (const { field, label } of order) {
    const value = stableStringify(values[field]) as string | undefined;
    if (value !== undefined) v.push(label + value);
    const source = provenance[field];
    if (!source) continue;
    if (!Array.isArray(source)) p.push(label + memo.json(source as ProvenanceEntry));
    else p.push(`${label}[${(source as readonly ProvenanceEntry[]).map((e) => memo.json(e)).join(',')}]`);
  }
  return {
    values: `{${v.join(',')}}`,
    provenance: `{${p.join(',')}}`,
    sources: JSON.stringify(sources),
    deletedBy: deletedBy.length > 0 ? `[${deletedBy.map(provenanceJson).join(',')}]` : null,
  };
}
