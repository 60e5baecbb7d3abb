import type { z } from 'zod';
import { JsonPathSyntaxError, compileJsonPath } from '../../core/json-path.js';
import { type FieldMapping, type FieldMappingAt, PARENT_PATH, fieldMappingsOf, mappingPaths } from '../entities/entity-config.js';
import { parseSideloadPath } from '../entities/sideload-path.js';
import { type Predicate, predicatePaths } from '../entities/predicate-config.js';
import type { SourceConfig } from '../sources/source-config.js';

type Path = Array<string | number>;

/** The syntax error of a JSONPath as config uses it (`$parent...` read as a path into the parent record), or undefined. */
export function jsonPathProblem(text: string): string | undefined {
  const sideload = parseSideloadPath(text);
  if (typeof sideload === 'string') return sideload;
  if (sideload) return jsonPathProblem(sideload.keyPath) ?? jsonPathProblem(sideload.rest);
  try {
    compileJsonPath(PARENT_PATH.test(text) ? `$${text.replace(PARENT_PATH, '')}` : text);
    return undefined;
  } catch (err) {
    if (err instanceof JsonPathSyntaxError) return err.message;
    throw err;
  }
}

/**
 * Checks every JSONPath of the config (record, key, cursor and pagination paths of each stream,
 * session-auth paths, field, `updatedAt`, `each`, tombstone and match-key paths of each entity
 * mapping) with the compiler the fetch and merge use, so `validate` reports a path the run would
 * choke on, naming where it is.
 */
export function checkJsonPaths(
  config: { sources: Record<string, SourceConfig>; entities: Record<string, { sources: Record<string, EntityMappingPaths>; matchOn: ReadonlyArray<string | { key: string; from: Record<string, FieldMapping> }> }> },
  ctx: z.RefinementCtx,
): void {
  const check = (value: string | undefined, path: Path) => {
    if (value === undefined) return;
    const problem = jsonPathProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', path, message: `${problem} (paths follow RFC 9535, e.g. $.items[*].id, $.data[-1].id, $.tags[?@ == 'vip'])` });
  };
  const checkMapping = (m: FieldMapping | undefined, path: Path) => {
    if (m === undefined) return;
    if (typeof m === 'string') return check(m, path);
    check(m.path, [...path, 'path']);
    m.concat?.forEach((p, i) => check(p, [...path, 'concat', i]));
    m.coalesce?.forEach((p, i) => check(p, [...path, 'coalesce', i]));
    m.transforms.forEach((t, i) => {
      if (typeof t !== 'object' || !('pick' in t)) return;
      const problem = jsonPathProblem(`$[?${t.pick.where}]`);
      if (problem) ctx.addIssue({ code: 'custom', path: [...path, 'transforms', i, 'pick', 'where'], message: `not a JSONPath filter expression: ${JSON.stringify(t.pick.where)} (e.g. @.type == 'primary' or search(@, '^plan:'))` });
    });
  };
  const checkPredicate = (p: Predicate | undefined, path: Path) => {
    if (p !== undefined) for (const { path: text, at } of predicatePaths(p)) check(text, [...path, ...at]);
  };
  for (const [sourceName, source] of Object.entries(config.sources)) {
    const at = (...p: Path) => ['sources', sourceName, ...p];
    if (source.auth.type === 'session') {
      check(source.auth.tokenPath, at('auth', 'tokenPath'));
      check(source.auth.expiresInPath, at('auth', 'expiresInPath'));
    }
    for (const [streamName, stream] of Object.entries(source.streams)) {
      const s = (...p: Path) => at('streams', streamName, ...p);
      check(stream.recordsPath, s('recordsPath'));
      check(stream.primaryKey, s('primaryKey'));
      const sideloads: Record<string, { path: string; key: string }> = ('sideload' in stream ? stream.sideload : undefined) ?? {};
      for (const [name, side] of Object.entries(sideloads)) {
        check(side.path, s('sideload', name, 'path'));
        check(side.key, s('sideload', name, 'key'));
      }
      check(stream.incremental?.cursorField, s('incremental', 'cursorField'));
      if ('connectionPath' in stream) check(stream.connectionPath, s('connectionPath'));
      if ('pagination' in stream) {
        const p = stream.pagination as Record<string, unknown>;
        for (const key of ['totalPath', 'hasMorePath', 'totalPagesPath', 'cursorPath', 'nextUrlPath']) check(p[key] as string | undefined, s('pagination', key));
      }
      const parent = 'parent' in stream ? (stream.parent as { fields: Record<string, string> } | undefined) : undefined;
      for (const [name, p] of Object.entries(parent?.fields ?? {})) check(p, s('parent', 'fields', name));
    }
  }
  for (const [entityName, entity] of Object.entries(config.entities)) {
    const at = (...p: Path) => ['entities', entityName, ...p];
    for (const m of fieldMappingsOf(entityName, entity)) {
      checkMapping(m.mapping, m.at);
      checkSideloads(config, m, ctx);
    }
    for (const [ref, mapping] of Object.entries(entity.sources)) {
      checkPredicate(mapping.deletedWhen, at('sources', ref, 'deletedWhen'));
      checkPredicate(mapping.skipWhen, at('sources', ref, 'skipWhen'));
      check(mapping.each, at('sources', ref, 'each'));
    }
  }
}

/** Every `$sideload.<name>[...]` path of a mapping names a side-load its stream declares. */
function checkSideloads(config: { sources: Record<string, SourceConfig> }, { ref, at, mapping }: FieldMappingAt, ctx: z.RefinementCtx): void {
  const [sourceName, streamName] = ref.split('.') as [string, string];
  const stream = config.sources[sourceName]?.streams[streamName];
  if (!stream) return;
  const declared = 'sideload' in stream && stream.sideload ? Object.keys(stream.sideload) : [];
  for (const text of mappingPaths(mapping)) {
    const parsed = parseSideloadPath(text);
    if (parsed === undefined || typeof parsed === 'string' || declared.includes(parsed.name)) continue;
    const valid = declared.length > 0 ? `valid: ${declared.join(', ')}` : `the stream declares none; add sideload: { ${parsed.name}: { path: $.${parsed.name}, key: $.id } } to sources.${sourceName}.streams.${streamName}`;
    ctx.addIssue({ code: 'custom', path: at, message: `unknown side-load "${parsed.name}" in ${JSON.stringify(text.trim())}; ${valid}` });
  }
}

/** The parts of an entity's source mapping that hold JSONPaths. */
interface EntityMappingPaths {
  readonly fields: Record<string, FieldMapping>;
  readonly updatedAt?: FieldMapping | undefined;
  readonly deletedWhen?: Predicate | undefined;
  readonly skipWhen?: Predicate | undefined;
  readonly each?: string | undefined;
}
