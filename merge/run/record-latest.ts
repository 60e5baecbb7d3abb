import type { Kysely } from 'kysely';
import { entitiesMapping, streamFingerprint } from '../../config/entities/mapping-fingerprint.js';
import type { TributaryConfig } from '../../config/tributary-config.js';
import { type StreamRef, parseStreamKey, streamKey } from '../../core/stream-key.js';
import type { Database } from '../../store/database-schema.js';
import { recordLatestRecords } from '../../store/staging/latest-records.js';
import { readCheckpoint } from '../../store/staging/staging-store.js';
import { type FollowState, followStep } from './follow-fetch.js';
import type { MergePlan } from './merge-plan.js';
import { latestStep, readStep, saveStep } from './merge-steps.js';

/**
 * A step of a run's merge beside its partitions, once prepare committed: the run's staged
 * records become their streams' latest payloads (`tributary.latest_record`), under the
 * fingerprint of each stream's mappings. The next fetch stages only what differs from them, and
 * `rerun` recomputes entities from them. Records `recordFollowedLatest` recorded beside prepare
 * are not recorded again. Idempotent; a failure here costs only a larger next fetch (its
 * records are staged again). Returns how many records it recorded.
 */
export async function recordLatest(db: Kysely<Database>, config: TributaryConfig, plan: Pick<MergePlan, 'runId' | 'latest'>): Promise<number> {
  let n = 0;
  for (const s of plan.latest ?? []) {
    const key = { runId: plan.runId, ...s };
    const early = await readStep<{ through: string }>(db, plan.runId, latestStep(streamKey(s)));
    // A record staged again (a duplicate key) after it was recorded may have changed: the stream is recorded whole.
    const restaged = early !== undefined && ((await readCheckpoint(db, key))?.duplicates ?? 0) > 0;
    n += await recordLatestRecords(db, key, streamFingerprint(config, streamKey(s)), early && !restaged ? { after: early.through } : {});
  }
  return n;
}

/**
 * Beside a run's prepare step, once its fetch ended: the records the merge during the fetch took
 * in (their contributions committed, their quarantine known) become their streams' latest
 * payloads, so that after prepare `recordLatest` has only the rest to record. Only for streams of
 * `streams` (those the run merges) that map to the followed entity alone: a record another
 * entity maps is taken in only by prepare. Each stream's range is recorded with the step
 * `latest:<source.stream>` in one transaction. Idempotent. Returns how many records it recorded.
 */
export async function recordFollowedLatest(
  db: Kysely<Database>,
  config: TributaryConfig,
  input: { readonly runId: string; readonly follow: ReadonlyArray<{ readonly entity: string }>; readonly streams: readonly StreamRef[] },
): Promise<number> {
  const merged = new Set(input.streams.map(streamKey));
  let n = 0;
  for (const { entity } of input.follow) {
    const state = await readStep<FollowState>(db, input.runId, followStep(entity));
    for (const [ref, followed] of Object.entries(state?.streams ?? {})) {
      const mapping = entitiesMapping(config, ref);
      if (!followed.followed || followed.through === '0' || !merged.has(ref) || mapping.length !== 1 || mapping[0] !== entity) continue;
      n += await db.transaction().execute(async (trx) => {
        const recorded = await recordLatestRecords(trx, { runId: input.runId, ...parseStreamKey(ref) }, streamFingerprint(config, ref), { through: followed.through });
        await saveStep(trx, input.runId, latestStep(ref), { through: followed.through });
        return recorded;
      });
    }
  }
  return n;
}
