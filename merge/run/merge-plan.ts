import type { AffectedKeys, KeyRange } from '../write/affected-batch.js';
import type { EntityMergeSummary } from '../merge-summary.js';

/**
 * What a run's prepare step decided, small enough for workflow history: per entity, which keys
 * the partitions rewrite and how they are split. Stored with the step (`tributary.merge_step`),
 * so a retried prepare returns the same plan.
 */
export interface MergePlan {
  readonly runId: string;
  /** When the run merged (ISO): every partition stamps `_last_changed` and deletions with it, retries too. */
  readonly mergedAt: string;
  readonly entities: readonly PlannedEntity[];
  /** The streams whose staged records become their latest payloads (`recordLatest`), alongside the partitions; none in a rerun. */
  readonly latest?: ReadonlyArray<{ readonly source: string; readonly stream: string }>;
}

/** One entity of a merge plan. */
export interface PlannedEntity {
  readonly entity: string;
  /** `all`: the entity was empty, every key is rewritten; `listed`: the keys prepare listed. */
  readonly keys: AffectedKeys;
  /** The key ranges written as separate partitions, together covering every key. */
  readonly partitions: readonly KeyRange[];
  /** What prepare counted (records read, contributions changed, quarantined, identity merges...). */
  readonly summary: EntityMergeSummary;
}

/** One partition of a merge plan, by reference: its entity's key range number `index`, written and committed on its own. */
export interface MergePartition {
  readonly runId: string;
  readonly entity: string;
  /** Its position in the entity's `partitions`. */
  readonly index: number;
}

/** The partitions of a plan, every entity's, in plan order. */
export function planPartitions(plan: MergePlan): MergePartition[] {
  return plan.entities.flatMap((e) => e.partitions.map((_, index) => ({ runId: plan.runId, entity: e.entity, index })));
}
