import type { EntityConfig } from '../../config/entities/entity-config.js';
import { compileJsonPath } from '../../core/json-path.js';
import { compileRecordMapper } from './map-record.js';
import { compileMatchReader } from './match-keys.js';
import { compilePredicate } from './predicate.js';

/** What the merge would make of one raw record for one entity, without touching the database. */
export interface RecordPreview {
  readonly entity: string;
  /**
   * `mapped` (it would contribute `values`), `quarantined` (with `problems`), `tombstone`
   * (`deletedWhen`: its contribution would be withdrawn), `skipped` (`skipWhen`), or `deletes`
   * (a deleted-records feed naming a record of another stream).
   */
  readonly status: 'mapped' | 'quarantined' | 'tombstone' | 'skipped' | 'deletes';
  readonly values?: Readonly<Record<string, unknown>>;
  readonly problems?: readonly string[];
  /** Normalized match values (`[key, value]`), for a top-level entity. */
  readonly matchKeys?: ReadonlyArray<readonly [string, string]>;
  /** For a child entity: each element under `each`, mapped or with its problems. */
  readonly children?: ReadonlyArray<{ readonly values?: Readonly<Record<string, unknown>>; readonly problems?: readonly string[] }>;
}

/**
 * Previews every entity mapping of a stream (`source.stream`) over its records, the way the
 * merge maps them: transforms, coercion, required fields, tombstones, skips, match keys and
 * child elements. Compiled once for the stream; returns a function of one raw record.
 */
export function compileRecordPreview(entities: Readonly<Record<string, EntityConfig>>, ref: string): (record: unknown) => RecordPreview[] {
  const plans = Object.entries(entities)
    .filter(([, e]) => e.sources[ref] !== undefined)
    .map(([name, entity]) => {
      const mapping = entity.sources[ref]!;
      return {
        name,
        mapping,
        map: compileRecordMapper(entity, mapping),
        match: entity.parent === undefined ? compileMatchReader(entity, ref) : undefined,
        each: mapping.each === undefined ? undefined : compileJsonPath(mapping.each),
        deleted: compilePredicate(mapping.deletedWhen),
        skipped: compilePredicate(mapping.skipWhen),
      };
    });
  return (record) =>
    plans.map((p): RecordPreview => {
      if (p.mapping.deletes !== undefined) return { entity: p.name, status: 'deletes' };
      if (p.each) {
        const children = p.each
          .all(record)
          .flatMap((e) => (Array.isArray(e) ? e : [e]))
          .filter((element) => !p.deleted(element) && !p.skipped(element))
          .map((element) => {
            const mapped = p.map(element, record);
            return mapped.ok ? { values: mapped.values } : { problems: mapped.problems };
          });
        return { entity: p.name, status: children.some((c) => c.problems) ? 'quarantined' : 'mapped', children };
      }
      if (p.skipped(record)) return { entity: p.name, status: 'skipped' };
      if (p.deleted(record)) return { entity: p.name, status: 'tombstone' };
      const mapped = p.map(record);
      if (!mapped.ok) return { entity: p.name, status: 'quarantined', problems: mapped.problems };
      return { entity: p.name, status: 'mapped', values: mapped.values, ...(p.match ? { matchKeys: p.match(record, mapped.values) } : {}) };
    });
}
