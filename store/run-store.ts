import type { Kysely } from 'kysely';
import type { Database, RunTable } from './database-schema.js';

/** A run's status. */
export type RunStatus = RunTable['status'];

/** Records that a run started (idempotent: a retried activity or a rerun of the same id keeps the first start time). */
export async function recordRunStart(db: Kysely<Database>, run: { runId: string; pipeline: string; windowEnd: Date }): Promise<void> {
  await db
    .insertInto('tributary.run')
    .values({ run_id: run.runId, pipeline: run.pipeline, status: 'running', window_end: run.windowEnd, started_at: new Date() })
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

/** A run as listed by the access layer. */
export interface RunRow {
  readonly runId: string;
  readonly pipeline: string;
  readonly status: RunStatus;
  readonly windowEnd: Date;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly summary: Record<string, unknown> | null;
  readonly error: string | null;
}

/** The most recent runs, newest first. */
export async function listRuns(db: Kysely<Database>, opts: { pipeline?: string; limit: number }): Promise<RunRow[]> {
  let q = db.selectFrom('tributary.run').selectAll().orderBy('started_at', 'desc').limit(opts.limit);
  if (opts.pipeline) q = q.where('pipeline', '=', opts.pipeline);
  const rows = await q.execute();
  return rows.map((r) => ({
    runId: r.run_id,
    pipeline: r.pipeline,
    status: r.status,
    windowEnd: r.window_end,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    summary: r.summary,
    error: r.error,
  }));
}
