import { patched } from '@temporalio/workflow';
import type { EntityMergeSummary, MergeRunActivityInput } from '../activities/index.js';
import { mergeRun, prepareMerge, publishMerge, writeMergePartition } from './activity-proxies.js';

/**
 * A run's merge as activities: prepare, then every partition at once (each an activity that any
 * worker of the task queue may take, so a merge spreads over workers), then publish once all
 * of them committed. A partition that fails after its retries fails the merge; the partitions
 * that committed stay committed, and their rows are what this run merged. Runs recorded before
 * the merge was split run it as one activity.
 */
export async function mergeSteps(input: MergeRunActivityInput): Promise<EntityMergeSummary[]> {
  if (!patched('partitioned-merge')) return mergeRun(input);
  const plan = await prepareMerge(input);
  const outcomes = await Promise.all(
    plan.entities.flatMap((e) => e.partitions.map(async (_, index) => ({ entity: e.entity, counts: await writeMergePartition({ runId: plan.runId, entity: e.entity, index }) }))),
  );
  return publishMerge({ plan, outcomes });
}
