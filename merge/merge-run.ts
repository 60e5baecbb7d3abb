import type { Kysely } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import type { Database } from '../store/database-schema.js';
import type { EntityMergeSummary } from './merge-summary.js';
import { planPartitions } from './run/merge-plan.js';
import { type MergeRunInput, prepareMerge } from './run/prepare-merge.js';
import { publishMerge } from './run/publish-merge.js';
import { writeMergePartition } from './run/write-partition.js';
import { recordLatest } from './run/record-latest.js';

export type { EntityMergeSummary } from './merge-summary.js';
export type { MergePartition, MergePlan, PlannedEntity } from './run/merge-plan.js';
export { type MergeRunInput, prepareMerge } from './run/prepare-merge.js';
export { mergeOrder } from './run/merge-order.js';
export { type FollowFetchInput, type FollowOutcome, type FollowState, followableEntities, forgetFollows, mergeWhileFetching } from './run/follow-fetch.js';
export { mergeLockName } from './run/merge-lock.js';
export { type PartitionOutcome, publishMerge } from './run/publish-merge.js';
export { writeMergePartition } from './run/write-partition.js';
export { recordFollowedLatest, recordLatest } from './run/record-latest.js';
export { planPartitions } from './run/merge-plan.js';
export { summarizeCommitted } from './run/committed-summary.js';

/**
 * Merges a run's staged records into the entity tables, in this process: the prepare step (one
 * transaction: mapping, quarantine, identities, contributions), then every partition's writes
 * at once, each on its own connection, beside the record of the run's latest payloads
 * (`recordLatest`), then publish. The workflow runs the same three steps as
 * activities (`syncPipeline`), so that partitions spread over workers; this is the same merge
 * for callers without Temporal (tests, benchmarks, tools).
 *
 * A failure leaves every committed step in place; running it again redoes only the rest, and
 * the end state is the one an uninterrupted merge gives.
 */
export async function mergeRun(db: Kysely<Database>, config: TributaryConfig, input: MergeRunInput): Promise<EntityMergeSummary[]> {
  const plan = await prepareMerge(db, config, input);
  const [outcomes] = await Promise.all([Promise.all(planPartitions(plan).map(async (p) => ({ entity: p.entity, counts: await writeMergePartition(db, config, p) }))), recordLatest(db, config, plan)]);
  return publishMerge(db, plan, outcomes);
}
