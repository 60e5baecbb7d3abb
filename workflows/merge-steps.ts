import { patched } from '@temporalio/workflow';
import type { EntityMergeSummary, MergeRunActivityInput } from '../activities/index.js';
import { mergeRun, prepareMerge, publishMerge, recordFollowedLatest, recordLatest, writeMergePartition } from './activity-proxies.js';

/**
 * A run's merge as activities: prepare (beside it, the record of the latest payloads of what the
 * merge during the fetch of the entities `follow` took in), then every partition at once (each
 * an activity that any worker of the task queue may take, so a merge spreads over workers)
 * beside the record of the run's other latest payloads, then publish once all of them committed.
 * A partition that fails after its retries fails the merge; the partitions that committed stay
 * committed, and their rows are what this run merged. Runs recorded before the merge was split
 * run it as one activity.
 */
export async function mergeSteps(input: MergeRunActivityInput, follow: ReadonlyArray<{ readonly entity: string }> = []): Promise<EntityMergeSummary[]> {
  if (!patched('partitioned-merge')) return mergeRun(input);
  // Beside prepare, what the merge during the fetch took in becomes the latest payloads; only an
  // optimization: should it fail, the step after prepare records those records too.
  const early = follow.length > 0 && patched('latest-beside-prepare') ? recordFollowedLatest({ runId: input.runId, follow, streams: input.streams }).catch(() => 0) : Promise.resolve(0);
  const plan = await prepareMerge(input);
  const writes = Promise.all(
    plan.entities.flatMap((e) => e.partitions.map(async (_, index) => ({ entity: e.entity, counts: await writeMergePartition({ runId: plan.runId, entity: e.entity, index }) }))),
  );
  // The run's staged records become the latest payloads beside the partitions (a rerun has none to record).
  const latest = early.then(() => (plan.latest && plan.latest.length > 0 ? recordLatest({ runId: plan.runId, latest: plan.latest }) : 0));
  const [outcomes] = await Promise.all([writes, latest]);
  return publishMerge({ plan, outcomes });
}
