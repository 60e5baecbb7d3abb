import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/database-schema.js';

/** The step name of a partition's write: `write:<entity>:<index>`. */
export function partitionStep(entity: string, index: number): string {
  return `write:${entity}:${index}`;
}

/** The step name recording through which staged record a stream's latest payloads were recorded beside prepare: `latest:<source.stream>`. */
export function latestStep(ref: string): string {
  return `latest:${ref}`;
}

/** The step name of the prepare step. */
export const PREPARE_STEP = 'prepare';

/** The result a step of the run's merge committed, if it did (`tributary.merge_step`). */
export async function readStep<T>(db: Kysely<Database>, runId: string, step: string): Promise<T | undefined> {
  const row = await db.selectFrom('tributary.merge_step').select('result').where('run_id', '=', runId).where('step', '=', step).executeTakeFirst();
  return row?.result as T | undefined;
}

/** Records a step's result; call it last in the step's transaction, so the step and its record commit together. */
export async function recordStep(trx: Kysely<Database>, runId: string, step: string, result: object): Promise<void> {
  await trx.insertInto('tributary.merge_step').values({ run_id: runId, step, result: JSON.stringify(result) }).execute();
}

/** Records a step's result, replacing the one recorded before (a step that records its progress as it goes). */
export async function saveStep(trx: Kysely<Database>, runId: string, step: string, result: object): Promise<void> {
  await trx
    .insertInto('tributary.merge_step')
    .values({ run_id: runId, step, result: JSON.stringify(result) })
    .onConflict((oc) => oc.columns(['run_id', 'step']).doUpdateSet({ result: JSON.stringify(result) }))
    .execute();
}

/** Forgets a run's merge steps and listed keys, once its merge is published (or to redo it from scratch). */
export async function clearSteps(db: Kysely<Database>, runId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`delete from tributary.merge_affected_key where run_id = ${runId}`.execute(trx);
    await sql`delete from tributary.merge_step where run_id = ${runId}`.execute(trx);
  });
}
