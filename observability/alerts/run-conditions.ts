import { streamKey } from '../../core/stream-key.js';
import type { SourceFreshness } from '../freshness.js';
import type { AlertCondition } from './alert.js';

/** The part of a finished run the alert conditions need. */
export interface RunOutcome {
  readonly runId: string;
  readonly pipeline: string;
  readonly status: 'succeeded' | 'failed' | 'degraded';
  readonly error?: string | undefined;
  readonly streams: ReadonlyArray<{ readonly source: string; readonly stream: string; readonly status: 'succeeded' | 'incomplete' | 'failed'; readonly error?: string | undefined; readonly incomplete?: string | undefined }>;
}

/**
 * What a finished run says about each alert condition of its pipeline: the run failed or
 * was degraded (or neither, which clears both), and each fetched stream failed or not.
 * A failed run lists its failing streams too, so an operator sees which source broke it.
 */
export function runConditions(run: RunOutcome): AlertCondition[] {
  const failed = run.streams.filter((s) => s.status === 'failed');
  const names = failed.map(streamKey).join(', ');
  const short = run.streams.filter((s) => s.status !== 'succeeded').map((s) => `${streamKey(s)} ${s.status}`).join(', ');
  const base = { pipeline: run.pipeline, runId: run.runId };
  const out: AlertCondition[] = [
    { ...base, reason: 'run_failed', active: run.status === 'failed', message: run.status === 'failed' ? `run ${run.runId} of pipeline ${run.pipeline} failed: ${run.error ?? (names ? `sources failed: ${names}` : 'unknown error')}` : `pipeline ${run.pipeline} runs again (${run.runId} ${run.status})` },
    { ...base, reason: 'run_degraded', active: run.status === 'degraded', message: run.status === 'degraded' ? `run ${run.runId} of pipeline ${run.pipeline} was degraded: ${short || 'some sources failed'}; the rest was merged` : `pipeline ${run.pipeline} is no longer degraded (${run.runId} ${run.status})` },
  ];
  for (const s of run.streams) {
    out.push({
      ...base,
      reason: 'source_failed',
      source: s.source,
      stream: s.stream,
      active: s.status !== 'succeeded',
      message:
        s.status === 'failed'
          ? `source ${streamKey(s)} failed in run ${run.runId}: ${s.error ?? run.error ?? 'unknown error'}`
          : s.status === 'incomplete'
            ? `source ${streamKey(s)} is incomplete in run ${run.runId}: ${s.incomplete ?? 'short of the upstream'}`
            : `source ${streamKey(s)} fetched successfully again in run ${run.runId}`,
    });
  }
  return out;
}

/** Stale-source conditions from the freshness of each stream. */
export function staleConditions(rows: readonly SourceFreshness[]): AlertCondition[] {
  return rows.map((r) => ({
    reason: 'source_stale' as const,
    pipeline: r.pipeline,
    source: r.source,
    stream: r.stream,
    active: r.stale,
    message: r.stale ? `source ${streamKey(r)} of pipeline ${r.pipeline} is stale: ${r.reason}` : `source ${streamKey(r)} of pipeline ${r.pipeline} is fresh again (last success ${r.lastSuccessAt})`,
    ...((r.stale ? (r.lastFailureRunId ?? r.lastSuccessRunId) : r.lastSuccessRunId) ? { runId: (r.stale ? (r.lastFailureRunId ?? r.lastSuccessRunId) : r.lastSuccessRunId)! } : {}),
  }));
}
