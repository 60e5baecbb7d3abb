import type { EntityConfig } from '../config/entity-config.js';
import { contentHash } from '../core/stable-json.js';
import { type Contribution, compareContributions } from './contribution.js';
import { type ResolvedField, resolveField } from './strategies.js';

/** An entity as merged from its contributions, ready to write. */
export interface ResolvedEntity {
  readonly key: string;
  /** Field values by field name (null where no source had one). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Per field: which source record supplied the value, and as of when. */
  readonly provenance: Readonly<Record<string, ResolvedField['provenance']>>;
  /** Sources that contributed a record, sorted. */
  readonly sources: readonly string[];
  /** Hash of values, provenance and sources: unchanged hash means nothing to write. */
  readonly hash: string;
}

/**
 * Merges every contribution to one entity, field by field. The result depends only on the set
 * of contributions, never on their order, so merging in any order or across runs agrees.
 */
export function resolveEntity(key: string, entity: EntityConfig, contributions: readonly Contribution[]): ResolvedEntity {
  const sorted = [...contributions].sort(compareContributions);
  const mappingOrder = [...new Set(Object.keys(entity.sources).map((ref) => ref.split('.')[0]!))];
  const values: Record<string, unknown> = {};
  const provenance: Record<string, ResolvedField['provenance']> = {};
  for (const [field, config] of Object.entries(entity.fields)) {
    const resolved = resolveField(config.strategy ?? entity.defaultStrategy, sorted, {
      field,
      config,
      priority: config.priority ?? entity.priority,
      mappingOrder,
    });
    values[field] = resolved.value;
    if (resolved.provenance) provenance[field] = resolved.provenance;
  }
  const sources = [...new Set(sorted.map((c) => c.source))].sort();
  return { key, values, provenance, sources, hash: contentHash({ values, provenance, sources }) };
}
