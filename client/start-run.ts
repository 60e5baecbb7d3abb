import { streamKey } from '../core/stream-key.js';
import { ExitCode, type ExitCodeValue } from './output/exit-codes.js';
import { type Client, type WorkflowHandle, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { type SearchAttributePair, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { EntityMergeSummary, RunSummary, StreamSummary } from '../activities/index.js';
import { PIPELINE_KEY, SOURCES_KEY } from '../core/search-attributes.js';
import { type PipelineProgress, progressQuery } from '../workflows/definitions.js';
import type { RerunMergeInput, SyncPipelineInput } from '../workflows/index.js';

/** How a start went: a new run, an attached running one, or a window already done. */
export type StartOutcome = 'started' | 'attached' | 'already_succeeded';

/** Options of `startPipelineRun`. */
export interface StartRunOptions {
  readonly taskQueue: string;
  readonly workflowId: string;
  readonly input: SyncPipelineInput;
  /** Redo a window even when a run under this id already succeeded (merging is idempotent). */
  readonly force?: boolean;
}

/**
 * Starts a pipeline run under a business-key workflow id, idempotently: a run already in
 * progress under that id is attached to, one that succeeded is not redone (unless `force`),
 * and one that failed, was cancelled or terminated is started again (it resumes from the
 * pages it staged). Sets the search attributes the Temporal UI filters on.
 */
export async function startPipelineRun(client: Client, opts: StartRunOptions): Promise<{ outcome: StartOutcome; handle: WorkflowHandle }> {
  const attributes: SearchAttributePair[] = [{ key: PIPELINE_KEY, value: opts.input.pipeline }];
  if (opts.input.sources) attributes.push({ key: SOURCES_KEY, value: [...opts.input.sources] });
  const existing = client.workflow.getHandle(opts.workflowId);
  const before = await existing.describe().catch(() => undefined);
  if (before?.status.name === 'RUNNING') return { outcome: 'attached', handle: existing };
  try {
    const handle = await client.workflow.start('syncPipeline', {
      workflowId: opts.workflowId,
      taskQueue: opts.taskQueue,
      args: [opts.input],
      typedSearchAttributes: attributes,
      workflowIdReusePolicy: opts.force ? WorkflowIdReusePolicy.ALLOW_DUPLICATE : WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      // Someone else started it between our look and our start: join that run.
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
    return { outcome: 'started', handle };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { outcome: 'already_succeeded', handle: existing };
    throw err;
  }
}

/** Starts a `rerunMerge` of a past run under a fresh id (`<run>/rerun-<time>`). */
export async function startRerun(client: Client, opts: { taskQueue: string; rerunOf: string; pipeline: string; now: Date }): Promise<WorkflowHandle> {
  return client.workflow.start('rerunMerge', {
    workflowId: `${opts.rerunOf}/rerun-${opts.now.toISOString()}`,
    taskQueue: opts.taskQueue,
    args: [{ rerunOf: opts.rerunOf } satisfies RerunMergeInput],
    typedSearchAttributes: [{ key: PIPELINE_KEY, value: opts.pipeline }],
  });
}

/**
 * Waits for a run's result, calling `onProgress` with its live progress (the `progress` query)
 * whenever it changes. Throws the run's failure.
 */
export async function followRun(handle: WorkflowHandle, onProgress: (p: PipelineProgress) => void, intervalMs = 1000): Promise<RunSummary> {
  const result = handle.result() as Promise<RunSummary>;
  let finished = false;
  void result.then(
    () => (finished = true),
    () => (finished = true),
  );
  let last = '';
  while (!finished) {
    try {
      const p = await handle.query(progressQuery);
      const text = JSON.stringify(p);
      if (text !== last) onProgress(p);
      last = text;
    } catch {
      // Not queryable yet (no worker has picked it up) or just finished: try again.
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, intervalMs))]);
  }
  return result;
}

/** One line of live progress: phase and records/pages per stream. */
export function formatProgress(p: PipelineProgress): string {
  return `${p.phase.padEnd(8)} ${p.streams.map((s) => `${streamKey(s)} ${s.records} rec/${s.pages} pg ${s.status}`).join(' | ')}`;
}

/** The innermost message of a run failure (workflow -> child -> activity). */
export function failureMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e?.cause) e = e.cause as typeof e;
  // The workflow's own failure already says "run <id> failed: ..."; the caller says it once.
  return (e?.message ?? String(err)).replace(/^(re)?run \S+ failed: /, '');
}

/** A finished run's status from its summary: `degraded` when a stream failed or is incomplete. */
export function runStatusOf(summary: RunSummary): 'succeeded' | 'degraded' {
  return summary.streams.some((s) => s.status !== 'succeeded') ? 'degraded' : 'succeeded';
}

/**
 * One stream's line of a finished run: counts and status, then whatever says it is short of
 * the upstream or was received twice, so no such note stays in the summary unseen.
 */
export function formatStreamOutcome(st: StreamSummary): string {
  const notes = [
    st.error,
    st.incomplete && `incomplete: ${st.incomplete}`,
    st.truncation && `warning: ${st.truncation}`,
    st.duplicates && `${st.duplicates} duplicate key(s)`,
    st.cappedBy && `stopped by ${st.cappedBy}`,
    ...(st.warnings ?? []).map((w) => `warning: ${w}`),
  ].filter(Boolean);
  return `  ${streamKey(st)} ${st.records} rec/${st.pages} pg ${st.status}${notes.length > 0 ? `: ${notes.join('; ')}` : ''}`;
}

/** One entity's line of a finished run's merge. */
export function formatEntityOutcome(e: EntityMergeSummary): string {
  return `  ${e.entity}: ${e.recordsRead} read, ${e.written} written, ${e.unchanged} unchanged, ${e.quarantined} quarantined, ${e.deleted} deleted${e.skipped ? `, ${e.skipped} skipped` : ''}; ${e.recordsUnchanged ?? 0} records unchanged since the last merge`;
}

/**
 * Waits for a run (or rerun) to finish and prints its outcome: with `json` one object
 * (`runId`, `status`, `summary` or `error`), else a status line, each stream's and each entity's
 * line, or the failure. Returns the exit code: 0 succeeded, 4 degraded, 1 failed.
 */
export async function reportRunResult(kind: 'run' | 'rerun', runId: string, result: Promise<RunSummary>, json: boolean): Promise<ExitCodeValue> {
  try {
    const summary = await result;
    const status = runStatusOf(summary);
    if (json) console.log(JSON.stringify({ runId, status, summary }));
    else {
      console.log(`${kind} ${runId} ${status}`);
      // The final counts per stream, whether or not a progress poll caught the run mid-fetch.
      for (const st of summary.streams) console.log(formatStreamOutcome(st));
      for (const e of summary.entities) console.log(formatEntityOutcome(e));
    }
    return status === 'degraded' ? ExitCode.degraded : ExitCode.ok;
  } catch (err) {
    const error = failureMessage(err);
    if (json) console.log(JSON.stringify({ runId, status: 'failed', error }));
    else console.error(`${kind} ${runId} failed: ${error}`);
    return ExitCode.failed;
  }
}
