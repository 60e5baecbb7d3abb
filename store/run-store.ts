import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, RunTable } from './database-schema.js';

/** A run's status. */
export type RunStatus = RunTable['status'];

/** How a run was started. */
export type RunTrigger = 'scheduled' | 'manual' | 'backfill' | 'rerun';

/** What `recordRunStart` stores. */
export interface RunStart {
  readonly runId: string;
  readonly pipeline: string;
  readonly windowEnd: Date;
  readonly windowStart?: Date;
  readonly trigger?: RunTrigger;
  /** For a rerun: the run whose staged records are merged again. */
  readonly rerunOf?: string;
}

/**
 * Records that a run started. Idempotent: a retried activity keeps the first start time, and
 * a failed run started again under the same id (a backfill retrying its window) becomes
 * `running` again.
 */
export async function recordRunStart(db: Kysely<Database>, run: RunStart): Promise<void> {
  await db
    .insertInto('tributary.run')
    .values({
      run_id: run.runId,
      pipeline: run.pipeline,
      status: 'running',
      window_end: run.windowEnd,
      window_start: run.windowStart ?? null,
      trigger: run.trigger ?? null,
      rerun_of: run.rerunOf ?? null,
      started_at: new Date(),
    })
    .onConflict((oc) => oc.column('run_id').doUpdateSet({ status: 'running', finished_at: null, error: null }))
    .execute();
}

/** Records a run's outcome and summary. */
export async function recordRunEnd(db: Kysely<Database>, run: { runId: string; status: RunStatus; summary: Record<string, unknown>; error?: string }): Promise<void> {
  await db
    .updateTable('tributary.run')
    .set({ status: run.status, finished_at: new Date(), summary: JSON.stringify(run.summary), error: run.error ?? null })
    .where('run_id', '=', run.runId)
    .execute();
}

/** A run as listed by the access layer and the CLI. */
export interface RunRow {
  readonly runId: string;
  readonly pipeline: string;
  readonly status: RunStatus;
  readonly windowStart: Date | null;
  readonly windowEnd: Date;
  readonly trigger: string | null;
  readonly rerunOf: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly summary: Record<string, unknown> | null;
  readonly error: string | null;
}

/** The most recent runs, newest first. */
export async function listRuns(db: Kysely<Database>, opts: { pipeline?: string; limit: number }): Promise<RunRow[]> {
  let q = db.selectFrom('tributary.run').selectAll().orderBy('started_at', 'desc').limit(opts.limit);
  if (opts.pipeline) q = q.where('pipeline', '=', opts.pipeline);
  return (await q.execute()).map(toRunRow);
}

/** One run by id, or undefined. */
export async function getRun(db: Kysely<Database>, runId: string): Promise<RunRow | undefined> {
  const row = await db.selectFrom('tributary.run').selectAll().where('run_id', '=', runId).executeTakeFirst();
  return row && toRunRow(row);
}

/** When each stream of a pipeline last fetched successfully in a run whose merge committed. */
export interface StreamLastSuccess {
  readonly pipeline: string;
  readonly source: string;
  readonly stream: string;
  readonly runId: string;
  readonly finishedAt: Date;
}

/**
 * The last successful fetch per source stream, from the summaries of succeeded and degraded
 * runs (a degraded run merged the streams that succeeded).
 *
 * ```sql
 * select distinct on (pipeline, s->>'source', s->>'stream') ...
 * from tributary.run, jsonb_array_elements(summary->'streams') s
 * where status in ('succeeded', 'degraded') and s->>'status' = 'succeeded'
 * order by pipeline, s->>'source', s->>'stream', finished_at desc
 * ```
 */
export async function lastSuccessPerStream(db: Kysely<Database>, pipeline?: string): Promise<StreamLastSuccess[]> {
  const { rows } = await sql<{ pipeline: string; source: string; stream: string; run_id: string; finished_at: Date }>`
    select distinct on (r.pipeline, s->>'source', s->>'stream')
      r.pipeline, s->>'source' as source, s->>'stream' as stream, r.run_id, r.finished_at
    from tributary.run r, jsonb_array_elements(r.summary->'streams') s
    where r.status in ('succeeded', 'degraded') and s->>'status' = 'succeeded' and r.finished_at is not null
      ${pipeline === undefined ? sql`` : sql`and r.pipeline = ${pipeline}`}
    order by r.pipeline, s->>'source', s->>'stream', r.finished_at desc`.execute(db);
  return rows.map((r) => ({ pipeline: r.pipeline, source: r.source, stream: r.stream, runId: r.run_id, finishedAt: r.finished_at }));
}

function toRunRow(r: Selectable<RunTable>): RunRow {
  return {
    runId: r.run_id,
    pipeline: r.pipeline,
    status: r.status,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    trigger: r.trigger,
    rerunOf: r.rerun_of,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    summary: r.summary,
    error: r.error,
  };
}

/** A stream's last success and last failure, across finished runs. */
export interface StreamHistoryRow {
  readonly pipeline: string;
  readonly source: string;
  readonly stream: string;
  readonly lastSuccessAt?: Date;
  readonly lastSuccessRunId?: string;
  readonly lastFailureAt?: Date;
  readonly lastFailureRunId?: string;
  /** The stream's error, else the run's (a failed merge fails every stream of its run). */
  readonly lastError?: string;
}

/**
 * Per source stream: the last successful fetch (in a succeeded or degraded run) and the last
 * failure (the stream failed, or its run failed), from the run summaries. Feeds `sourceFreshness`.
 */
export async function streamHistory(db: Kysely<Database>, pipeline?: string): Promise<StreamHistoryRow[]> {
  const { rows } = await sql<{ pipeline: string; source: string; stream: string; ok_at: Date | null; ok_run: string | null; bad_at: Date | null; bad_run: string | null; bad_error: string | null }>`
    with s as (
      select r.pipeline, x->>'source' as source, x->>'stream' as stream, r.run_id, r.finished_at,
        (x->>'status' = 'succeeded' and r.status in ('succeeded', 'degraded')) as ok,
        coalesce(x->>'error', r.error) as error
      from tributary.run r, jsonb_array_elements(coalesce(r.summary->'streams', '[]'::jsonb)) x
      where r.finished_at is not null and r.status <> 'running'
        ${pipeline === undefined ? sql`` : sql`and r.pipeline = ${pipeline}`}
    )
    select pipeline, source, stream,
      max(finished_at) filter (where ok) as ok_at,
      (array_agg(run_id order by finished_at desc) filter (where ok))[1] as ok_run,
      max(finished_at) filter (where not ok) as bad_at,
      (array_agg(run_id order by finished_at desc) filter (where not ok))[1] as bad_run,
      (array_agg(error order by finished_at desc) filter (where not ok))[1] as bad_error
    from s group by pipeline, source, stream`.execute(db);
  return rows.map((r) => ({
    pipeline: r.pipeline,
    source: r.source,
    stream: r.stream,
    ...(r.ok_at ? { lastSuccessAt: r.ok_at, lastSuccessRunId: r.ok_run! } : {}),
    ...(r.bad_at ? { lastFailureAt: r.bad_at, lastFailureRunId: r.bad_run!, ...(r.bad_error ? { lastError: r.bad_error } : {}) } : {}),
  }));
}

/** When each pipeline's first run started (for "never succeeded since"). */
export async function firstRunPerPipeline(db: Kysely<Database>): Promise<Record<string, Date>> {
  const rows = await db.selectFrom('tributary.run').select(['pipeline', (eb) => eb.fn.min('started_at').as('first')]).groupBy('pipeline').execute();
  return Object.fromEntries(rows.map((r) => [r.pipeline, r.first as Date]));
}
