import {
  ApplicationFailure,
  ParentClosePolicy,
  log,
  proxyActivities,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, EntityMergeSummary, FetchProgress, RunSummary, StreamSummary } from '../activities/index.js';
import { PIPELINE_KEY, SCHEDULED_START_KEY, STATUS_KEY } from '../core/search-attributes.js';
import { type StreamProgress, progressQuery, streamProgressSignal } from './definitions.js';
import { syncStream } from './sync-stream.js';

/** Input of the `syncPipeline` workflow: names only, never secrets or records. */
export interface SyncPipelineInput {
  readonly pipeline: string;
  /** ISO end of the data window; defaults to the scheduled time (or the start time). */
  readonly windowEnd?: string;
  /** Only these sources. */
  readonly sources?: readonly string[];
}

// Planning and bookkeeping are quick database calls; a config error fails them for good.
const { planRun, finishRun } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

// The merge is one transaction over the run's staged records: long for big runs, and safe to
// retry because a failed attempt leaves nothing behind and a repeated one changes nothing.
const { mergeRun } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});

/**
 * One pipeline run: plan from config, fetch every stream in its own child workflow (in
 * parallel), merge what was staged, and record the summary. The run id is the workflow id, so
 * staged records, the run row and Temporal history all share it.
 */
export async function syncPipeline(input: SyncPipelineInput): Promise<RunSummary> {
  const info = workflowInfo();
  const runId = info.workflowId;
  const scheduled = info.typedSearchAttributes.get(SCHEDULED_START_KEY);
  const windowEnd = input.windowEnd ?? (scheduled ?? info.startTime).toISOString();
  const tracked = info.typedSearchAttributes.get(PIPELINE_KEY) !== undefined;
  const setStatus = (status: string) => {
    // Only where the starter set our attributes: the cluster has them registered.
    if (tracked) upsertSearchAttributes([{ key: STATUS_KEY, value: status }]);
  };

  let phase: 'planning' | 'fetching' | 'merging' | 'done' = 'planning';
  const progress = new Map<string, StreamProgress>();
  setHandler(progressQuery, () => ({ phase, streams: [...progress.values()] }));
  setHandler(streamProgressSignal, (p) => void progress.set(`${p.source}.${p.stream}`, p));
  setStatus('running');

  const plan = await planRun({ pipeline: input.pipeline, runId, windowEnd, ...(input.sources ? { sources: input.sources } : {}) });
  for (const s of plan.streams) progress.set(`${s.source}.${s.stream}`, { ...s, pages: 0, records: 0, status: 'pending' });

  phase = 'fetching';
  const outcomes = await Promise.allSettled(
    plan.streams.map(async (s) => {
      const child = await startChild(syncStream, {
        workflowId: `${runId}/${s.source}.${s.stream}`,
        args: [{ runId, source: s.source, stream: s.stream, parentWorkflowId: runId }],
        parentClosePolicy: ParentClosePolicy.TERMINATE,
      });
      return child.result();
    }),
  );
  const streams: StreamSummary[] = plan.streams.map((s, i) => summarizeStream(s, outcomes[i]!, progress.get(`${s.source}.${s.stream}`)));
  for (const s of streams) progress.set(`${s.source}.${s.stream}`, { source: s.source, stream: s.stream, pages: s.pages, records: s.records, status: s.status });
  const failed = streams.filter((s) => s.status === 'failed');
  const succeeded = streams.filter((s) => s.status === 'succeeded');

  const summaryOf = (entities: readonly EntityMergeSummary[]): RunSummary => ({ pipeline: input.pipeline, runId, windowEnd, streams, entities });
  if (failed.length > 0 && (plan.failurePolicy === 'all_or_nothing' || succeeded.length === 0)) {
    const error = failed.map((s) => `${s.source}.${s.stream}: ${s.error}`).join('; ');
    await finishRun({ runId, status: 'failed', summary: summaryOf([]), error });
    phase = 'done';
    setStatus('failed');
    upsertMemo({ summary: `failed: ${error}`.slice(0, 500) });
    throw ApplicationFailure.create({ type: 'RUN_FAILED', message: `run ${runId} failed: ${error}`, nonRetryable: true });
  }

  phase = 'merging';
  const entities = await mergeRun({ runId, streams: succeeded.map(({ source, stream }) => ({ source, stream })) });
  const status = failed.length > 0 ? 'degraded' : 'succeeded';
  const summary = summaryOf(entities);
  await finishRun({ runId, status, summary, ...(failed.length > 0 ? { error: failed.map((s) => `${s.source}.${s.stream}: ${s.error}`).join('; ') } : {}) });
  phase = 'done';
  setStatus(status);
  upsertMemo({ summary: describeRun(status, streams, entities) });
  if (status === 'degraded') log.warn('run degraded', { runId, failed: failed.map((s) => `${s.source}.${s.stream}`) });
  return summary;
}

function summarizeStream(s: { source: string; stream: string }, outcome: PromiseSettledResult<FetchProgress>, live: StreamProgress | undefined): StreamSummary {
  if (outcome.status === 'fulfilled') {
    const p = outcome.value;
    return { ...s, status: 'succeeded', pages: p.pages, records: p.records, paginationType: p.paginationType, ...(p.truncation ? { truncation: p.truncation } : {}) };
  }
  return { ...s, status: 'failed', pages: live?.pages ?? 0, records: live?.records ?? 0, error: rootMessage(outcome.reason) };
}

/** The innermost failure message (child -> activity -> application failure). */
function rootMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e?.cause) e = e.cause as typeof e;
  return e?.message ?? String(err);
}

function describeRun(status: string, streams: readonly StreamSummary[], entities: readonly EntityMergeSummary[]): string {
  const fetched = streams.map((s) => `${s.source}.${s.stream} ${s.records} rec/${s.pages} pg${s.status === 'failed' ? ' FAILED' : ''}`).join(', ');
  const merged = entities.map((e) => `${e.entity}: ${e.written} written, ${e.unchanged} unchanged, ${e.quarantined} quarantined`).join('; ');
  return `${status} | fetched ${fetched} | merged ${merged}`;
}
