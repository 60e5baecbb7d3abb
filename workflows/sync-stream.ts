import { continueAsNew, getExternalWorkflowHandle, log, patched, workflowInfo } from '@temporalio/workflow';
import type { ChunkStats, FetchProgress, RunWindow, StreamRef } from '../activities/index.js';
import { fetchStreamChunk } from './activity-proxies.js';
import { CHUNKS_PER_EXECUTION, PAGES_PER_CHUNK, streamProgressSignal } from './definitions.js';

/** Input of the `syncStream` child workflow. */
export interface SyncStreamInput extends StreamRef {
  readonly runId: string;
  /** Workflow id of the pipeline run to report progress to. */
  readonly parentWorkflowId: string;
  /** The run's pipeline and data window, handed to each fetch (absent in executions started before they were). */
  readonly pipeline?: string;
  readonly window?: RunWindow;
  /** Pages per fetch activity (default `PAGES_PER_CHUNK`, 100). */
  readonly pagesPerChunk?: number;
  /** Fetch activities per workflow execution before it continues as new (default `CHUNKS_PER_EXECUTION`). */
  readonly chunksPerExecution?: number;
  /** Workflow time (ms) of the last progress report, carried over a continue-as-new. */
  readonly reportedAt?: number;
  /** Rate-limit waits, retries and warnings of the chunks fetched before a continue-as-new. */
  readonly totals?: FetchTotals;
}

/** What a stream's chunks add up to beyond pages and records (each chunk reports only its own). */
export interface FetchTotals {
  readonly rateLimitWaitMs: number;
  readonly retries: number;
  readonly warnings: readonly string[];
}

/** Least time between two progress reports of a stream to its pipeline run. */
const PROGRESS_INTERVAL_MS = 30_000;


/**
 * Fetches one stream of a run to the end, a chunk of pages per activity, reporting progress to
 * the pipeline run. History stays bounded whatever the stream's size: an execution continues as
 * new after `chunksPerExecution` chunks (or sooner, when Temporal suggests it), carrying the
 * running totals. The result's wait time, retries and warnings cover the whole stream.
 */
export async function syncStream(input: SyncStreamInput): Promise<FetchProgress> {
  const parent = getExternalWorkflowHandle(input.parentWorkflowId);
  let totals: FetchTotals = input.totals ?? { rateLimitWaitMs: 0, retries: 0, warnings: [] };
  // Workflow time (deterministic on replay) of the last progress report to the pipeline run.
  let reportedAt = input.reportedAt ?? 0;
  const chunkCap = Math.max(1, input.chunksPerExecution ?? CHUNKS_PER_EXECUTION);
  for (let chunks = 1; ; chunks++) {
    const chunk = await fetchStreamChunk({
      runId: input.runId,
      source: input.source,
      stream: input.stream,
      maxPages: input.pagesPerChunk ?? PAGES_PER_CHUNK,
      ...(input.pipeline ? { pipeline: input.pipeline } : {}),
      ...(input.window ? { window: input.window } : {}),
    });
    const { rateLimitWaitMs: _w, retries: _r, warnings: _s, ...state } = chunk;
    totals = addChunk(totals, chunk);
    const progress: FetchProgress = { ...state, ...statsOf(totals) };
    // Every signal lands in the pipeline run's history, which cannot continue as new while it
    // waits for its streams: report at most every PROGRESS_INTERVAL_MS, and always at the end, so
    // that history grows with a run's duration and stream count, not with its record count.
    if (progress.done || Date.now() - reportedAt >= PROGRESS_INTERVAL_MS) {
      reportedAt = Date.now();
      await parent.signal(streamProgressSignal, { source: input.source, stream: input.stream, pages: progress.pages, records: progress.records, status: progress.done ? 'succeeded' : 'fetching' });
    }
    if (progress.done) {
      const short = progress.incomplete ?? progress.truncation;
      if (short) log.warn('stream ended short of what the upstream has', { runId: input.runId, source: input.source, stream: input.stream, detail: short });
      if (progress.duplicates) log.warn('records received twice under one primary key', { runId: input.runId, source: input.source, stream: input.stream, duplicates: progress.duplicates });
      log.info('stream fetched', { runId: input.runId, source: input.source, stream: input.stream, pages: progress.pages, records: progress.records });
      return progress;
    }
    // Executions recorded before the chunk cap existed continued only when Temporal suggested it.
    const capped = chunks >= chunkCap && patched('stream-chunks-per-execution');
    if (capped || workflowInfo().continueAsNewSuggested) await continueAsNew<typeof syncStream>({ ...input, totals, reportedAt });
  }
}

// Warnings repeat across chunks (schema drift is reported by each); keep each once, and a few.
function addChunk(t: FetchTotals, chunk: ChunkStats): FetchTotals {
  const warnings = [...t.warnings];
  for (const w of chunk.warnings ?? []) if (!warnings.includes(w) && warnings.length < 10) warnings.push(w);
  return { rateLimitWaitMs: t.rateLimitWaitMs + (chunk.rateLimitWaitMs ?? 0), retries: t.retries + (chunk.retries ?? 0), warnings };
}

/** The stream's totals as chunk statistics (zeros and empty lists left out). */
function statsOf(t: FetchTotals): ChunkStats {
  return {
    ...(t.rateLimitWaitMs > 0 ? { rateLimitWaitMs: t.rateLimitWaitMs } : {}),
    ...(t.retries > 0 ? { retries: t.retries } : {}),
    ...(t.warnings.length > 0 ? { warnings: t.warnings } : {}),
  };
}
