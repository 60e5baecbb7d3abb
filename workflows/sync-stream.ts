import { continueAsNew, getExternalWorkflowHandle, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities, FetchProgress, StreamRef } from '../activities/index.js';
import { streamProgressSignal } from './definitions.js';

/** Input of the `syncStream` child workflow. */
export interface SyncStreamInput extends StreamRef {
  readonly runId: string;
  /** Workflow id of the pipeline run to report progress to. */
  readonly parentWorkflowId: string;
  /** Pages per fetch activity. */
  readonly pagesPerChunk?: number;
}

// Fetching may page for a long time: each attempt heartbeats per page, so a dead worker is
// noticed within the heartbeat timeout and the retry resumes from the last staged page.
const { fetchStreamChunk } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

/**
 * Fetches one stream of a run to the end, a chunk of pages per activity, reporting progress to
 * the pipeline run. History stays bounded: it continues as new when Temporal suggests it.
 */
export async function syncStream(input: SyncStreamInput): Promise<FetchProgress> {
  const parent = getExternalWorkflowHandle(input.parentWorkflowId);
  for (;;) {
    const progress = await fetchStreamChunk({ runId: input.runId, source: input.source, stream: input.stream, maxPages: input.pagesPerChunk ?? 50 });
    await parent.signal(streamProgressSignal, { source: input.source, stream: input.stream, pages: progress.pages, records: progress.records, status: progress.done ? 'succeeded' : 'fetching' });
    if (progress.done) {
      if (progress.truncation) log.warn('possible silent truncation', { source: input.source, stream: input.stream, detail: progress.truncation });
      return progress;
    }
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof syncStream>(input);
  }
}
