import type { z } from 'zod';
import { parseJsonPath } from '../../core/json-path.js';
import { didYouMean } from '../config-error.js';
import { type EntityConfig, fieldMappingsOf, isParentPath, mappingPaths } from '../entities/entity-config.js';
import { isSideloadPath } from '../entities/sideload-path.js';
import type { SourceConfig } from '../sources/source-config.js';

/** The record field a path starts with (`$.first_name.x` → `first_name`), or undefined for `$`, wildcards and the like. */
function firstField(text: string): string | undefined {
  try {
    const first = parseJsonPath(text).segments[0];
    if (!first || first.type !== 'ChildSegment') return undefined;
    const node = first.node;
    if (node.type === 'MemberNameShorthand') return node.value;
    if (node.type === 'BracketedSelection' && node.selectors.length === 1 && node.selectors[0]!.type === 'NameSelector') return node.selectors[0]!.value;
    return undefined;
  } catch {
    // A malformed path is reported by the JSONPath check.
    return undefined;
  }
}

/**
 * For streams that declare their records' fields (`recordFields`), every mapping path of an entity
 * (fields, template placeholders, concat and coalesce paths, `updatedAt`, match keys, `each`) must
 * start with one of them, or a parent field the stream copies: a typo such as `{frist_name}` is
 * then a config error with a did-you-mean instead of a silently empty value.
 */
export function checkRecordFields(config: { sources: Record<string, SourceConfig>; entities: Record<string, EntityConfig> }, ctx: z.RefinementCtx): void {
  for (const [entityName, entity] of Object.entries(config.entities)) {
    const checked = new Set<string>();
    for (const { ref, at, mapping, each } of fieldMappingsOf(entityName, entity)) {
      const [sourceName, streamName] = ref.split('.') as [string, string];
      const stream = config.sources[sourceName]?.streams[streamName];
      if (!stream || !('recordFields' in stream) || !stream.recordFields) continue;
      const known = [...stream.recordFields, ...('parent' in stream && stream.parent ? Object.keys(stream.parent.fields) : [])];
      // A child mapping's paths are relative to its elements: only `each` reads the record, once per stream.
      const texts = each === undefined ? mappingPaths(mapping) : checked.has(ref) ? [] : [each];
      const path = each === undefined ? at : ['entities', entityName, 'sources', ref, 'each'];
      if (each !== undefined) checked.add(ref);
      for (const text of texts) {
        if (isParentPath(text) || isSideloadPath(text)) continue;
        const field = firstField(text);
        if (field === undefined || known.includes(field)) continue;
        ctx.addIssue({ code: 'custom', path, message: `"${field}" (in ${JSON.stringify(text)}) is not a field of sources.${sourceName}.streams.${streamName}.recordFields${didYouMean(field, known)}` });
      }
    }
  }
}
