import type { Kysely } from 'kysely';
import type { Database } from '../../store/database-schema.js';
import { type EntityMergeSummary, addSummaries } from '../merge-summary.js';
import type { WriteCounts } from '../write/entity-writer.js';
import type { MergePlan } from './merge-plan.js';
import { clearSteps } from './merge-steps.js';

/** A partition's outcome, as `writeMergePartition` returned it. */
export interface PartitionOutcome {
  readonly entity: string;
  readonly counts: WriteCounts;
}

/**
 * The last step of a run's merge, once every partition committed: the run's summaries (what
 * prepare counted, plus each partition's writes), and the run's step records and listed keys
 * are dropped. Safe to run again: it computes from its input and deletes what is left.
 */
export async function publishMerge(db: Kysely<Database>, plan: MergePlan, outcomes: readonly PartitionOutcome[]): Promise<EntityMergeSummary[]> {
  await clearSteps(db, plan.runId);
  return summarizeMerge(plan, outcomes);
}

/** Each entity's summary: prepare's counts plus every partition's writes, in plan order. */
function summarizeMerge(plan: MergePlan, outcomes: readonly PartitionOutcome[]): EntityMergeSummary[] {
  return plan.entities.map((e) => outcomes.filter((o) => o.entity === e.entity).reduce((sum, o) => addSummaries(sum, o.counts), e.summary));
}
