import type { EntityConfig } from '../config/entity-config.js';
import { contentHash } from '../core/stable-json.js';
import { type Contribution, type ProvenanceEntry, compareContributions, provenanceOf } from './contribution.js';
import type { CustomStrategyFn } from './custom-strategy.js';
import { type ResolvedField, resolveField } from './strategies.js';

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
}

/**
 * Merges every contribution to one entity, field by field. Withdrawn contributions take no part
 * but are listed in `deletedBy`. The result depends only on the set of contributions, never on
 * their order, so merging in any order or across runs agrees.
 */
export function resolveEntity(key: string, entity: EntityConfig, contributions: readonly Contribution[], customs?: ReadonlyMap<string, CustomStrategyFn>): ResolvedEntity {
  const sorted = [...contributions].sort(compareContributions);
  const live = sorted.filter((c) => c.deletedAt === null || c.deletedAt === undefined);
  const deletedBy = sorted.filter((c) => c.deletedAt !== null && c.deletedAt !== undefined).map((c) => ({ ...provenanceOf(c), at: new Date(c.deletedAt!).toISOString() }));
  const mappingOrder = [...new Set(Object.keys(entity.sources).map((ref) => ref.split('.')[0]!))];
  const values: Record<string, unknown> = {};
  const provenance: Record<string, ResolvedField['provenance']> = {};
  for (const [field, config] of Object.entries(entity.fields)) {
    const custom = customs?.get(field);
    const resolved = resolveField(config.strategy ?? entity.defaultStrategy, live, {
      field,
      config,
      priority: config.priority ?? entity.priority,
      mappingOrder,
      ...(custom ? { custom } : {}),
    });
    values[field] = resolved.value;
    if (resolved.provenance) provenance[field] = resolved.provenance;
  }
  const sources = [...new Set(live.map((c) => c.source))].sort();
  return { key, values, provenance, sources, deletedBy, hash: contentHash(deletedBy.length > 0 ? { values, provenance, sources, deletedBy } : { values, provenance, sources }) };
}
