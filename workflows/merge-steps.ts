import { patched } from '@temporalio/workflow';
import type { EntityMergeSummary, MergeRunActivityInput } from '../activities/index.js';
import { mergeRun, prepareMerge, publishMerge, recordLatest, writeMergePartition } from './activity-proxies.js';

/**
 * A run's merge as activities: prepare, then every partition at once (each an activity that any
 * worker of the task queue may take, so a merge spreads over workers) beside the record of the
 * run's latest payloads, then publish once all of them committed. A partition that fails after its retries fails the merge; the partitions
 * that committed stay committed, and their rows are what this run merged. Runs recorded before
 * the merge was split run it as one activity.
 */
export async function mergeSteps(input: MergeRunActivityInput): Promise<EntityMergeSummary[]> {
  if (!patched('partitioned-merge')) return mergeRun(input);
  const plan = await prepareMerge(input);
  const writes = Promise.all(
    plan.entities.flatMap((e) => e.partitions.map(async (_, index) => ({ entity: e.entity, counts: await writeMergePartition({ runId: plan.runId, entity: e.entity, index }) }))),
  );
  // The run's staged records become the latest payloads beside the partitions (a rerun has none to record).
  const latest = plan.latest && plan.latest.length > 0 ? recordLatest({ runId: plan.runId, latest: plan.latest }) : Promise.resolve(0);
  const [outcomes] = await Promise.all([writes, latest]);
  return publishMerge({ plan, outcomes });
}
