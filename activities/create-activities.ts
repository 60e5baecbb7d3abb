import type { ActivityDeps } from './activity-deps.js';
import { commitWatermarksActivity } from './commit-watermarks.js';
import { fetchStreamChunkActivity } from './fetch-stream-chunk.js';
import { finishRunActivity } from './finish-run.js';
import { withKeepAlive } from './keep-alive.js';
import { mergeRunActivity, prepareMergeActivity, publishMergeActivity, recordFollowedLatestActivity, recordLatestActivity, writeMergePartitionActivity } from './merge-run.js';
import { mergeWhileFetchingActivity } from './merge-while-fetching.js';
import { planRerunActivity } from './plan-rerun.js';
import { planRunActivity } from './plan-run.js';
import { withFailureMapping } from './to-application-failure.js';

/**
 * The activities, as thin adapters over the engines (one file each): each resolves names from
 * config, calls an engine function, heartbeats where it is long, and maps errors to Temporal
 * failures. Inputs and outputs are small references and counts; records stay in Postgres.
 */
export function createActivities(deps: ActivityDeps) {
  const wrap =
    <I, O>(activity: (input: I) => Promise<O>) =>
    (input: I): Promise<O> =>
      withFailureMapping(deps.masker, () => activity(input));
  // Long activities heartbeat on a timer too, so a dead worker is noticed within seconds.
  const long =
    <I, O>(activity: (input: I) => Promise<O>) =>
    (input: I): Promise<O> =>
      withKeepAlive(() => activity(input));
  return {
    planRun: wrap(planRunActivity(deps)),
    fetchStreamChunk: wrap(long(fetchStreamChunkActivity(deps))),
    mergeWhileFetching: wrap(long(mergeWhileFetchingActivity(deps))),
    mergeRun: wrap(long(mergeRunActivity(deps))),
    prepareMerge: wrap(long(prepareMergeActivity(deps))),
    writeMergePartition: wrap(long(writeMergePartitionActivity(deps))),
    recordLatest: wrap(long(recordLatestActivity(deps))),
    recordFollowedLatest: wrap(long(recordFollowedLatestActivity(deps))),
    publishMerge: wrap(long(publishMergeActivity(deps))),
    planRerun: wrap(planRerunActivity(deps)),
    finishRun: wrap(finishRunActivity(deps)),
    commitWatermarks: wrap(commitWatermarksActivity(deps)),
  };
}

/** The activities' type, for `proxyActivities` in workflows. */
export type Activities = ReturnType<typeof createActivities>;
