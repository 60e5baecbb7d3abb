import { hasChildStreams } from '../sources/source-config.js';
import { contentHash } from '../../core/stable-json.js';
import { parseStreamKey, streamKey } from '../../core/stream-key.js';
import type { TributaryConfig } from '../tributary-config.js';
import type { EntityConfig } from './entity-config.js';

/**
 * Bump when mapping, coercion, matching or tombstone code changes what a raw record maps to:
 * every stored contribution is then re-mapped once, as after a config change.
 */
const MAPPING_VERSION = 1;

/**
 * A fingerprint of everything a stream's records are mapped by into one entity: the whole
 * entity config (fields, types, `matchOn`, every source's mapping, transforms, tombstone rules)
 * and the stream. Any config change re-maps every record of the entity; nothing else may
 * influence a mapping.
 */
export function mappingFingerprint(entity: EntityConfig, ref: string): string {
  return contentHash({ version: MAPPING_VERSION, ref, entity });
}

/**
 * How a stream's fetch tells unchanged records, when it may: a record whose payload hash and
 * `fingerprint` (every mapping of the stream, `streamFingerprint`) match what the last merge
 * stored for it is not staged again. Undefined when every record must be staged:
 *
 * - no entity maps the stream (nothing was stored to compare with);
 * - it is a deleted-records feed (a repeated deletion must be applied again);
 * - another stream fans out over its records (`parent`), which it reads from staging;
 * - it fails on repeated keys (`duplicates: fail`), which only staging every record can tell.
 */
export function changeFilterOf(config: TributaryConfig, ref: string): { readonly fingerprint: string; readonly entities: readonly string[] } | undefined {
  const { source, stream } = parseStreamKey(ref);
  const streams = config.sources[source]?.streams as Record<string, { duplicates?: string }> | undefined;
  if (!streams?.[stream] || streams[stream]!.duplicates === 'fail') return undefined;
  if (hasChildStreams(config.sources[source], stream)) return undefined;
  const entities = entitiesMapping(config, ref);
  if (entities.length === 0 || entities.some((name) => config.entities[name]!.sources[ref]!.deletes !== undefined)) return undefined;
  return { fingerprint: streamFingerprint(config, ref), entities };
}

/** The names of the entities that map the stream `ref` (`source.stream`), in config order. */
export function entitiesMapping(config: TributaryConfig, ref: string): string[] {
  return Object.entries(config.entities)
    .filter(([, e]) => e.sources[ref] !== undefined)
    .map(([name]) => name);
}

/** A fingerprint of every mapping of one stream (`source.stream`), over every entity that maps it. */
export function streamFingerprint(config: TributaryConfig, ref: string): string {
  const mappings = entitiesMapping(config, ref)
    .map((name) => [name, mappingFingerprint(config.entities[name]!, ref)])
    .sort(([a], [b]) => (a! < b! ? -1 : 1));
  return contentHash({ ref: streamKey(parseStreamKey(ref)), mappings });
}
