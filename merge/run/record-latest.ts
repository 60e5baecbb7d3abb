import type { Kysely } from 'kysely';
import { streamFingerprint } from '../../config/entities/mapping-fingerprint.js';
import type { TributaryConfig } from '../../config/tributary-config.js';
import { streamKey } from '../../core/stream-key.js';
import type { Database } from '../../store/database-schema.js';
import { recordLatestRecords } from '../../store/staging/latest-records.js';
import type { MergePlan } from './merge-plan.js';

/**
 * A step of a run's merge beside its partitions, once prepare committed: the run's staged
 * records become their streams' latest payloads (`tributary.latest_record`), under the
 * fingerprint of each stream's mappings. The next fetch stages only what differs from them, and
 * `rerun` recomputes entities from them. Idempotent; a failure here costs only a larger next
 * fetch (its records are staged again). Returns how many records it recorded.
 */
export async function recordLatest(db: Kysely<Database>, config: TributaryConfig, plan: Pick<MergePlan, 'runId' | 'latest'>): Promise<number> {
  let n = 0;
  for (const s of plan.latest ?? []) n += await recordLatestRecords(db, { runId: plan.runId, ...s }, streamFingerprint(config, streamKey(s)));
  return n;
}
