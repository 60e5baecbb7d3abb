import type { Kysely } from 'kysely';
import type { Database } from '../../store/database-schema.js';
import { type EntityMergeSummary, addSummaries } from '../merge-summary.js';
import type { WriteCounts } from '../write/entity-writer.js';
import type { FollowState } from './follow-fetch.js';
import type { MergePlan } from './merge-plan.js';
import { PREPARE_STEP, partitionStep } from './merge-steps.js';

/**
 * What a run that did not publish its merge has committed of it, per entity, from its recorded
 * steps: prepare's counts plus the partitions that committed when prepare did, else what the
 * merge during the fetch stored (contributions, and rows for an entity on its first load from
 * one stream). For a failed run's summary: those contributions and rows stay, and the summary
 * says so. Entities with nothing committed are left out; read it before `forgetFollows`.
 */
export async function summarizeCommitted(db: Kysely<Database>, runId: string): Promise<EntityMergeSummary[]> {
  const steps = new Map((await db.selectFrom('tributary.merge_step').select(['step', 'result']).where('run_id', '=', runId).execute()).map((r) => [r.step, r.result]));
  const plan = steps.get(PREPARE_STEP) as MergePlan | undefined;
  if (plan) {
    return plan.entities.map((e) =>
      e.partitions.reduce((sum, _, index) => {
        const counts = steps.get(partitionStep(e.entity, index)) as WriteCounts | undefined;
        return counts ? addSummaries(sum, counts) : sum;
      }, e.summary),
    );
  }
  return [...steps.entries()].filter(([step]) => step.startsWith('follow:')).map(([, state]) => (state as FollowState).summary).filter((s) => s.recordsRead > 0);
}
