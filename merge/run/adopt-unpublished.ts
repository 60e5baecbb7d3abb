import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/database-schema.js';
import { keyBounds } from '../write/affected-batch.js';
import type { MergePlan } from './merge-plan.js';
import { PREPARE_STEP, partitionStep } from './merge-steps.js';

/** The step name recording that a later merge took over an entity's unwritten partitions. */
function adoptedStep(entity: string): string {
  return `adopted:${entity}`;
}

/**
 * Takes over, for `entity`, the partitions that earlier runs prepared but never wrote: a run
 * whose merge failed after its prepare step committed its contributions, with some partitions
 * unwritten. Their keys join this merge's affected keys (`merge_affected`), so the entity rows
 * catch up with the contributions now, and the earlier run is marked adopted for the entity.
 * So are the keys a failed run's merge during the fetch listed before the run ended. Runs still
 * running are left alone: their own retries write their partitions. Call it inside the prepare
 * transaction, holding the entity's merge lock. Returns how many runs were adopted.
 */
export async function adoptUnpublished(trx: Kysely<Database>, runId: string, entity: string): Promise<number> {
  const { rows } = await sql<{ run_id: string; result: MergePlan; written: string[] }>`
    select p.run_id, p.result, array(select s.step from tributary.merge_step s where s.run_id = p.run_id and s.step like 'write:%') as written
    from tributary.merge_step p
    where p.step = ${PREPARE_STEP} and p.run_id <> ${runId}
      and not exists (select 1 from tributary.run r where r.run_id = p.run_id and r.status = 'running')
      and not exists (select 1 from tributary.merge_step a where a.run_id = p.run_id and a.step = ${adoptedStep(entity)})`.execute(trx);
  let adopted = 0;
  for (const row of rows) {
    const planned = row.result.entities.find((e) => e.entity === entity);
    if (!planned) continue;
    const written = new Set(row.written);
    for (const [index, range] of planned.partitions.entries()) {
      if (written.has(partitionStep(entity, index))) continue;
      const cursor = { after: null, range };
      if (planned.keys === 'listed') {
        await sql`insert into merge_affected (entity, entity_key)
          select ${entity}, k.entity_key from tributary.merge_affected_key k where k.run_id = ${row.run_id} and k.entity = ${entity} and ${keyBounds(sql.ref('k.entity_key'), cursor)}
          on conflict do nothing`.execute(trx);
      } else {
        await sql`insert into merge_affected (entity, entity_key)
          select distinct ${entity}, r.entity_key from tributary.source_record r where r.entity = ${entity} and ${keyBounds(sql.ref('r.entity_key'), cursor)}
          on conflict do nothing`.execute(trx);
      }
    }
    await sql`delete from tributary.merge_affected_key where run_id = ${row.run_id} and entity = ${entity}`.execute(trx);
    await sql`insert into tributary.merge_step (run_id, step, result) values (${row.run_id}, ${adoptedStep(entity)}, ${JSON.stringify({ by: runId })}::jsonb)`.execute(trx);
    adopted++;
  }
  // Keys a merge during the fetch listed for a run that ended before its prepare step (it failed):
  // their contributions are stored, their rows are written now.
  const orphaned = await sql<{ run_id: string }>`
    with taken as (
      delete from tributary.merge_affected_key k
      where k.entity = ${entity} and k.run_id <> ${runId}
        and not exists (select 1 from tributary.run r where r.run_id = k.run_id and r.status = 'running')
        and not exists (select 1 from tributary.merge_step p where p.run_id = k.run_id and p.step = ${PREPARE_STEP})
      returning k.run_id, k.entity_key
    ), added as (
      insert into merge_affected (entity, entity_key) select ${entity}, entity_key from taken on conflict do nothing
    ) select distinct run_id from taken`.execute(trx);
  return adopted + orphaned.rows.length;
}
