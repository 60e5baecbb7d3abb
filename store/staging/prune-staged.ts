import { type Kysely, sql } from 'kysely';
import type { TributaryConfig } from '../../config/tributary-config.js';
import type { Database } from '../database-schema.js';

/** What `pruneStaged` removed. */
export interface PruneResult {
  /** Runs whose staged records and checkpoints were deleted. */
  readonly runs: string[];
  /** Staged records deleted. */
  readonly records: number;
}

/**
 * Applies `retention` to the raw staged records (`tributary.staged_record`), fetch checkpoints
 * (`tributary.fetch_checkpoint`), fetched parents (`tributary.fetch_parent`) and incremental cursors
 * (`tributary.fetch_cursor`) of fetching runs (reruns stage nothing of their own). Per
 * pipeline it keeps the newest `stagedRuns` runs, and with `days` every run started within
 * them; it always keeps a run that is still running or whose staged records a running rerun is
 * merging, and the latest succeeded run; and of every run the staged rows that are still some
 * record's latest payload (`tributary.latest_record`), so any entity can be recomputed from raw records.
 * Safe to call at any time, from the orchestration side (after a run) or by hand.
 *
 * ```sql
 * delete from tributary.staged_record where stream_id in (select stream_id from tributary.fetch_checkpoint where run_id = any($1))
 * delete from tributary.fetch_checkpoint where run_id = any($1)   -- the runs beyond retention
 * ```
 */
export async function pruneStaged(db: Kysely<Database>, config: Pick<TributaryConfig, 'retention'>, opts: { now?: Date } = {}): Promise<PruneResult> {
  const keep = config.retention.stagedRuns;
  const since = config.retention.days === undefined ? null : new Date((opts.now ?? new Date()).getTime() - config.retention.days * 86_400_000);
  const candidates = await sql<{ run_id: string }>`
    with fetching as (
      select r.run_id, r.pipeline, r.status, r.started_at,
             row_number() over (partition by r.pipeline order by r.started_at desc, r.run_id desc) as recency,
             row_number() over (partition by r.pipeline, (r.status = 'succeeded') order by r.started_at desc, r.run_id desc) as success_recency
      from tributary.run r where r.rerun_of is null
    )
    select f.run_id from fetching f
    where f.recency > ${keep}
      and f.status <> 'running'
      and not (f.status = 'succeeded' and f.success_recency = 1)
      and (${since}::timestamptz is null or f.started_at < ${since}::timestamptz)
      and not exists (select 1 from tributary.run x where x.rerun_of = f.run_id and x.status = 'running')
      and exists (select 1 from tributary.fetch_checkpoint c where c.run_id = f.run_id)
    order by f.run_id`.execute(db);
  const runs = candidates.rows.map((r) => r.run_id);
  if (runs.length === 0) return { runs, records: 0 };
  const records = await db.transaction().execute(async (trx) => {
    // A staged row that is still a record's latest payload stays: reruns recompute from it.
    const deleted = await sql`
      delete from tributary.staged_record r
      where r.stream_id in (select c.stream_id from tributary.fetch_checkpoint c where c.run_id = any(${runs}::text[]))
        and not exists (select 1 from tributary.latest_record l where l.staged_stream_id = r.stream_id and l.staged_id = r.id)`.execute(trx);
    await trx.deleteFrom('tributary.fetch_checkpoint').where('run_id', 'in', runs).execute();
    await trx.deleteFrom('tributary.fetch_parent').where('run_id', 'in', runs).execute();
    await trx.deleteFrom('tributary.fetch_cursor').where('run_id', 'in', runs).execute();
    // A merge that failed part-way leaves its steps; a later merge of the entity has adopted them by now.
    await trx.deleteFrom('tributary.merge_step').where('run_id', 'in', runs).execute();
    await trx.deleteFrom('tributary.merge_affected_key').where('run_id', 'in', runs).execute();
    return Number(deleted.numAffectedRows ?? 0);
  });
  return { runs, records };
}
