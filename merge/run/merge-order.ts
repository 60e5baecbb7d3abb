import type { EntityConfig } from '../../config/entities/entity-config.js';
import type { TributaryConfig } from '../../config/tributary-config.js';

/** Entities in merge order: by name, each child right after the entities it depends on. */
export function mergeOrder(config: TributaryConfig): Array<[string, EntityConfig]> {
  const all = Object.entries(config.entities).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...all.filter(([, e]) => e.parent === undefined), ...all.filter(([, e]) => e.parent !== undefined)];
}
