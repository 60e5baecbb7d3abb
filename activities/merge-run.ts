import { type MergePartition, type MergePlan, mergeRun, prepareMerge, publishMerge, recordFollowedLatest, recordLatest, writeMergePartition } from '../merge/merge-run.js';
import type { WriteCounts } from '../merge/write/entity-writer.js';
import type { EntityMergeSummary, MergeRunActivityInput, PublishMergeInput, RecordFollowedLatestInput, RecordLatestInput } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/**
 * The whole merge of a run in one activity (prepare, every partition, publish). Runs recorded
 * before the merge was split into steps still call it; new runs call the three steps below.
 */
export function mergeRunActivity({ db, config }: ActivityDeps) {
  return (input: MergeRunActivityInput): Promise<EntityMergeSummary[]> => mergeRun(db, config, input);
}

/** The prepare step of a run's merge: contributions and identities in one transaction; returns the plan of partitions. */
export function prepareMergeActivity({ db, config }: ActivityDeps) {
  return (input: MergeRunActivityInput): Promise<MergePlan> => prepareMerge(db, config, input);
}

/** One partition of a prepared merge: its entity rows written and committed on this worker's connection. */
export function writeMergePartitionActivity({ db, config }: ActivityDeps) {
  return (input: MergePartition): Promise<WriteCounts> => writeMergePartition(db, config, input);
}

/** The last step of a run's merge, once every partition committed: the run's summaries, and its step records dropped. */
export function publishMergeActivity({ db }: ActivityDeps) {
  return (input: PublishMergeInput): Promise<EntityMergeSummary[]> => publishMerge(db, input.plan, input.outcomes);
}

/** Beside the partitions: the run's staged records become their streams' latest payloads. */
export function recordLatestActivity({ db, config }: ActivityDeps) {
  return (input: RecordLatestInput): Promise<number> => recordLatest(db, config, input);
}

/** Beside prepare: the records the merge during the fetch took in become their streams' latest payloads. */
export function recordFollowedLatestActivity({ db, config }: ActivityDeps) {
  return (input: RecordFollowedLatestInput): Promise<number> => recordFollowedLatest(db, config, input);
}
