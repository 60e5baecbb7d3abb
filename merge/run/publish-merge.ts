import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/database-schema.js';
import { ENTITY_SCHEMA } from '../../store/entity-table-layout.js';
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
 * prepare counted, plus each partition's writes; for an entity the merge during the fetch wrote
 * to, `written` is the live rows the run left, each once), and the run's step records and listed
 * keys are dropped. Safe to run again: it computes from its input and deletes what is left.
 */
export async function publishMerge(db: Kysely<Database>, plan: MergePlan, outcomes: readonly PartitionOutcome[]): Promise<EntityMergeSummary[]> {
  const summaries = summarizeMerge(plan, outcomes);
  const recounted = await Promise.all(
    plan.entities.map(async (e, i) => {
      const summary = summaries[i]!;
      if (e.followedTable === undefined) return summary;
      const rows = await sql<{ n: number }>`select count(*)::int as n from ${sql.id(ENTITY_SCHEMA, e.followedTable)} where _last_run_id = ${plan.runId} and _deleted_at is null`.execute(db);
      return { ...summary, written: rows.rows[0]?.n ?? summary.written };
    }),
  );
  await clearSteps(db, plan.runId);
  return recounted;
}

/** Each entity's summary: prepare's counts plus every partition's writes, in plan order. */
function summarizeMerge(plan: MergePlan, outcomes: readonly PartitionOutcome[]): EntityMergeSummary[] {
  return plan.entities.map((e) => outcomes.filter((o) => o.entity === e.entity).reduce((sum, o) => addSummaries(sum, o.counts), e.summary));
}
