import { type RawBuilder, sql } from 'kysely';
import type { EntityConfig } from '../../config/entities/entity-config.js';
import { contentHash } from '../../core/stable-json.js';

/**
 * Bump when mapping, coercion, matching or tombstone code changes what a raw record maps to:
 * every stored contribution is then re-mapped once, as after a config change.
 */
const MAPPING_VERSION = 1;

/**
 * A fingerprint of everything a stream's records are mapped by: the whole entity config (fields,
 * types, `matchOn`, every source's mapping, transforms, tombstone rules) and the stream. Any
 * config change re-maps every record of the entity; nothing else may influence a mapping.
 */
export function mappingFingerprint(entity: EntityConfig, ref: string): string {
  return contentHash({ version: MAPPING_VERSION, ref, entity });
}

/**
 * The `source_record.raw_hash` of a staged record: its payload hash combined with the mapping
 * fingerprint, so one comparison answers "same payload, same mapping".
 *
 * ```sql
 * md5(r.hash || $fingerprint)
 * ```
 */
export function rawHashSql(stagedHash: RawBuilder<unknown>, fingerprint: string): RawBuilder<string> {
  return sql<string>`md5(${stagedHash} || ${fingerprint}::text)`;
}
