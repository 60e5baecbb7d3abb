import { z } from 'zod';
import { parseStreamKey } from '../core/stream-key.js';
import { accessSchema } from './access-config.js';
import { alertsSchema } from './alerts-config.js';
import { type EntityConfig, entitySchema } from './entities/entity-config.js';
import { identifierSchema } from './identifier.js';
import { checkJsonPaths } from './checks/json-path-check.js';
import { checkRecordFields } from './checks/record-fields-check.js';
import { mergeSchema } from './merge-config.js';
import { pipelineSchema } from './pipeline-config.js';
import { retentionSchema } from './retention-config.js';
import { sourceSchema } from './sources/source-config.js';

/**
 * The whole config file: upstream sources, unified entities, and pipelines that tie them to a
 * schedule. Names used in references are checked against each other, with the valid names listed.
 *
 * ```yaml
 * version: 1
 * sources:
 *   crm: { type: rest, baseUrl: https://crm.example.com, streams: { contacts: { path: /v1/contacts, primaryKey: id } } }
 * entities:
 *   customer: { fields: { email: { type: string } }, matchOn: [email], sources: { crm.contacts: { fields: { email: $.email } } } }
 * pipelines:
 *   main: { schedule: { every: 15m }, sources: [crm] }
 * ```
 */
export const tributaryConfigSchema = z
  .strictObject({
    /** Config format version. */
    version: z.literal(1).describe('Config format version.'),
    /** Upstream APIs by name. */
    sources: z.record(identifierSchema, sourceSchema).describe('Upstream APIs by name.'),
    /** Unified entities by name. */
    entities: z.record(identifierSchema, entitySchema).describe('Unified entities by name.'),
    /** Pipelines by name. */
    pipelines: z.record(identifierSchema, pipelineSchema).describe('Pipelines by name.'),
    /** How long raw staged records are kept. */
    retention: retentionSchema.default({ stagedRuns: 10 }).describe('How long raw staged records are kept.'),
    /** How a run's merge overlaps the fetch and spreads its entity writes over partitions (connections and activities). */
    merge: mergeSchema.default({ overlap: true, maxPartitions: 2, keysPerPartition: 25_000 }).describe("How a run's merge overlaps the fetch and spreads its entity writes over partitions (connections and activities)."),
    /** The access API's tokens, scopes and limits; without it the API is open on 127.0.0.1 only. */
    access: accessSchema.optional().describe('The access API\'s tokens, scopes and limits; without it the API is open on 127.0.0.1 only.'),
    /** Where failed runs and stale sources are reported. */
    alerts: alertsSchema.optional().describe('Where failed runs and stale sources are reported.'),
  })
  .superRefine((config, ctx) => {
    checkJsonPaths(config, ctx);
    checkRecordFields(config, ctx);
    const sourceNames = Object.keys(config.sources);
    for (const [sourceName, source] of Object.entries(config.sources)) {
      if (source.type !== 'rest') continue;
      const streamNames = Object.keys(source.streams);
      for (const [streamName, stream] of Object.entries(source.streams)) {
        // A parent chain must end at a stream without a parent: no unknown names, no cycles.
        const seen = new Set([streamName]);
        for (let parent = stream.parent?.stream; parent !== undefined; parent = source.streams[parent]?.parent?.stream) {
          if (!source.streams[parent]) {
            ctx.addIssue({ code: 'custom', path: ['sources', sourceName, 'streams', streamName, 'parent', 'stream'], message: `unknown stream "${parent}"; valid: ${streamNames.filter((n) => n !== streamName).join(', ') || '(none)'}` });
            break;
          }
          if (seen.has(parent)) {
            ctx.addIssue({ code: 'custom', path: ['sources', sourceName, 'streams', streamName, 'parent', 'stream'], message: `parent streams form a cycle through "${parent}"` });
            break;
          }
          seen.add(parent);
        }
      }
    }
    for (const [name, pipeline] of Object.entries(config.pipelines)) {
      pipeline.sources.forEach((source, i) => {
        if (!config.sources[source]) {
          ctx.addIssue({ code: 'custom', path: ['pipelines', name, 'sources', i], message: `unknown source "${source}"; valid: ${sourceNames.join(', ') || '(none)'}` });
        }
      });
    }
    (config.access?.tokens ?? []).forEach((token, i) =>
      token.scopes.forEach((scope, j) => {
        const entity = scope.endsWith(':read') ? scope.slice(0, -5) : undefined;
        if (entity && entity !== 'runs' && !config.entities[entity]) {
          ctx.addIssue({ code: 'custom', path: ['access', 'tokens', i, 'scopes', j], message: `unknown entity "${entity}"; valid: *, runs:read, ${Object.keys(config.entities).map((e) => `${e}:read`).join(', ')}` });
        }
      }),
    );
    for (const [name, entity] of Object.entries(config.entities)) {
      const fieldNames = Object.keys(entity.fields);
      checkEntityReferences(config, name, ctx);
      for (const [ref, mapping] of Object.entries(entity.sources)) {
        const { source: sourceName, stream: streamName } = parseStreamKey(ref);
        const source = config.sources[sourceName];
        if (!source) {
          ctx.addIssue({ code: 'custom', path: ['entities', name, 'sources', ref], message: `unknown source "${sourceName}"; valid: ${sourceNames.join(', ') || '(none)'}` });
        } else if (!source.streams[streamName]) {
          ctx.addIssue({ code: 'custom', path: ['entities', name, 'sources', ref], message: `source "${sourceName}" has no stream "${streamName}"; valid: ${Object.keys(source.streams).join(', ')}` });
        }
        for (const field of Object.keys(mapping.fields)) {
          if (!entity.fields[field]) {
            ctx.addIssue({ code: 'custom', path: ['entities', name, 'sources', ref, 'fields', field], message: `unknown field "${field}"; valid: ${fieldNames.join(', ')}` });
          }
        }
      }
      const precedence = [...entity.priority, ...Object.values(entity.fields).flatMap((f) => f.priority ?? [])];
      for (const source of new Set(precedence)) {
        if (!config.sources[source]) {
          ctx.addIssue({ code: 'custom', path: ['entities', name, 'priority'], message: `unknown source "${source}" in priority; valid: ${sourceNames.join(', ')}` });
        }
      }
    }
  });

/** Match keys, parent/child links and deleted-record feeds of one entity, checked against the rest of the config. */
function checkEntityReferences(config: { entities: Record<string, EntityConfig> }, name: string, ctx: z.RefinementCtx): void {
  const entity = config.entities[name]!;
  const fieldNames = Object.keys(entity.fields);
  const refs = Object.keys(entity.sources);
  const at = (...path: Array<string | number>) => ['entities', name, ...path];
  entity.matchOn.forEach((key, i) => {
    if (typeof key === 'string') {
      if (!entity.fields[key]) ctx.addIssue({ code: 'custom', path: at('matchOn', i), message: `unknown field "${key}"; valid: ${fieldNames.join(', ')}` });
      return;
    }
    if (entity.fields[key.key]) ctx.addIssue({ code: 'custom', path: at('matchOn', i, 'key'), message: `"${key.key}" is a field name; name the external-id key differently or match on the field` });
    for (const ref of Object.keys(key.from)) {
      if (!entity.sources[ref]) ctx.addIssue({ code: 'custom', path: at('matchOn', i, 'from', ref), message: `"${ref}" is not among the entity's sources; valid: ${refs.join(', ')}` });
    }
  });
  for (const [ref, mapping] of Object.entries(entity.sources)) {
    if (mapping.deletes !== undefined && !entity.sources[mapping.deletes]) {
      ctx.addIssue({ code: 'custom', path: at('sources', ref, 'deletes'), message: `"${mapping.deletes}" is not among the entity's sources; valid: ${refs.join(', ')}` });
    }
  }
  if (entity.parent === undefined) return;
  const parent = config.entities[entity.parent];
  if (!parent) {
    ctx.addIssue({ code: 'custom', path: at('parent'), message: `unknown entity "${entity.parent}"; valid: ${Object.keys(config.entities).join(', ')}` });
    return;
  }
  if (parent.parent !== undefined) ctx.addIssue({ code: 'custom', path: at('parent'), message: `"${entity.parent}" is itself a child entity; nest one level only` });
  for (const [ref, mapping] of Object.entries(entity.sources)) {
    if (mapping.deletes === undefined && !parent.sources[ref]) {
      ctx.addIssue({ code: 'custom', path: at('sources', ref), message: `a child's stream must also map to its parent "${entity.parent}"; the parent maps: ${Object.keys(parent.sources).join(', ')}` });
    }
  }
}

/** The validated config file. */
export type TributaryConfig = z.infer<typeof tributaryConfigSchema>;
