import { configFingerprint } from '../config/config-fingerprint.js';
import type { Client } from '@temporalio/client';
import type { RunSummary } from '../activities/index.js';
import type { TributaryConfig } from '../config/tributary-config.js';
import { type DataWindow, windowsBetween } from '../core/schedule-window.js';
import { type StartOutcome, failureMessage, runStatusOf, startPipelineRun } from './start-run.js';

/** Options of `backfill`. */
export interface BackfillOptions {
  readonly pipeline: string;
  readonly from: Date;
  readonly to: Date;
  /** Window length; default: the pipeline's schedule (its interval, or between cron fires). */
  readonly stepMs?: number;
  /** Windows running at once (default 2). */
  readonly concurrency?: number;
  /** Redo windows that already succeeded. */
  readonly force?: boolean;
  readonly taskQueue: string;
  /** Called as each window finishes. */
  /** Called as each window finishes (in the order they finish; `index` is its place among the windows, oldest first). */
  readonly onWindow?: (result: BackfillWindowResult, place: { readonly index: number; readonly count: number }) => void;
}

/** What happened to one window. */
export interface BackfillWindowResult {
  readonly window: DataWindow;
  /** The run id: `<pipeline>/<window end>`, the same every time the window is backfilled. */
  readonly runId: string;
  readonly outcome: StartOutcome;
  readonly status: 'succeeded' | 'degraded' | 'failed' | 'skipped';
  readonly records?: number;
  readonly error?: string;
}

/**
 * Runs a pipeline for past windows, at most `concurrency` at a time. Idempotent: each window's
 * run id is the business key `<pipeline>/<window end ISO>`, so a window that already succeeded
 * is skipped (Temporal refuses the id), one still running is waited for rather than started
 * twice, and a failed one is started again and resumes from the pages it staged. With `force`,
 * succeeded windows run again; merging is idempotent, so unchanged data writes nothing.
 */
export async function backfill(client: Client, config: TributaryConfig, opts: BackfillOptions): Promise<BackfillWindowResult[]> {
  const p = config.pipelines[opts.pipeline];
  if (!p) throw new RangeError(`unknown pipeline "${opts.pipeline}"; valid: ${Object.keys(config.pipelines).join(', ')}`);
  const windows = windowsBetween(p.schedule, opts.from, opts.to, opts.stepMs === undefined ? {} : { stepMs: opts.stepMs });
  const results: BackfillWindowResult[] = new Array(windows.length);
  let next = 0;
  const runOne = async (window: DataWindow): Promise<BackfillWindowResult> => {
    const runId = `${opts.pipeline}/${window.end}`;
    const { outcome, handle } = await startPipelineRun(client, {
      taskQueue: opts.taskQueue,
      workflowId: runId,
      input: { pipeline: opts.pipeline, windowStart: window.start, windowEnd: window.end, trigger: 'backfill', configFingerprint: configFingerprint(config) },
      ...(opts.force ? { force: true } : {}),
    });
    if (outcome === 'already_succeeded') return { window, runId, outcome, status: 'skipped' };
    try {
      const summary = (await handle.result()) as RunSummary;
      const status = runStatusOf(summary);
      return { window, runId, outcome, status, records: summary.streams.reduce((n, s) => n + s.records, 0) };
    } catch (err) {
      return { window, runId, outcome, status: 'failed', error: failureMessage(err) };
    }
  };
  const lane = async () => {
    while (next < windows.length) {
      const i = next++;
      results[i] = await runOne(windows[i]!);
      opts.onWindow?.(results[i]!, { index: i, count: windows.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 2, windows.length)) }, lane));
  return results;
}
