import { type Kysely, sql } from 'kysely';
import type { TributaryConfig } from '../../config/tributary-config.js';
import { configDir } from '../../config/config-origin.js';
import type { Database } from '../../store/database-schema.js';
import { loadCustomStrategies } from '../resolve/custom-strategy.js';
import { type WriteCounts, writeAffectedEntities } from '../write/entity-writer.js';
import type { MergePartition, MergePlan } from './merge-plan.js';
import { MergePlanError } from './merge-plan-error.js';
import { PREPARE_STEP, partitionStep, readStep, recordStep } from './merge-steps.js';
import { mergeLockName } from './merge-lock.js';

/**
 * Writes one partition of a prepared merge, in a transaction of its own: every affected entity
 * of the partition's key range is re-merged from its contributions and its row upserted (or
 * soft-deleted), and, for a first load, marked seen. Partitions of a run share nothing but the
 * entity's lock (held shared, so another run's prepare waits for them), and run on separate
 * connections, by any worker, in any order. Committed, the partition is recorded with its
 * counts; run again, it returns those counts without writing (two attempts at once: the second
 * one's record conflicts, it rolls back, and its retry finds the first one's).
 */
export async function writeMergePartition(db: Kysely<Database>, config: TributaryConfig, p: MergePartition): Promise<WriteCounts> {
  const step = partitionStep(p.entity, p.index);
  const done = await readStep<WriteCounts>(db, p.runId, step);
  if (done) return done;
  // The plan is read back from the prepare step's record: the partition's reference stays small.
  const plan = await readStep<MergePlan>(db, p.runId, PREPARE_STEP);
  if (!plan) throw new MergePlanError(`merge of ${p.runId}: no prepared plan for partition ${p.index} of ${p.entity} (published already, or never prepared)`);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock_shared(hashtext(${mergeLockName(p.entity)}))`.execute(trx);
    return writePartitionIn(trx, config, plan, p.entity, p.index);
  });
}

/** Writes partition `index` of an entity of `plan` in the caller's transaction and records it; returns its counts. */
export async function writePartitionIn(trx: Kysely<Database>, config: TributaryConfig, plan: MergePlan, name: string, index: number): Promise<WriteCounts> {
  const planned = plan.entities.find((e) => e.entity === name);
  const range = planned?.partitions[index];
  const entity = config.entities[name];
  if (!planned || !range || !entity) throw new MergePlanError(`merge of ${plan.runId}: no partition ${index} of ${name} in its prepared plan (or the entity left the config)`);
  const customs = await loadCustomStrategies(name, entity, configDir(config));
  const counts = await writeAffectedEntities(trx, name, entity, { runId: plan.runId, now: new Date(plan.mergedAt), customs, keys: planned.keys, range });
  await recordStep(trx, plan.runId, partitionStep(name, index), counts);
  return counts;
}
