import { isDeepStrictEqual } from 'node:util';
import type { EntitySourceMapping } from '../../config/entity-config.js';
import { compileJsonPath } from '../../core/json-path.js';

/** Whether a raw record is a tombstone under the mapping's `deletedWhen` (never, without one). */
export function compileTombstoneTest(mapping: EntitySourceMapping): (record: unknown) => boolean {
  const when = mapping.deletedWhen;
  if (!when) return () => false;
  const path = compileJsonPath(when.path);
  return (record) => isDeepStrictEqual(path.first(record), when.equals);
}
