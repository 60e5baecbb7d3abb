import type { EntityMergeSummary } from '../merge/merge-run.js';
import type { FetchProgress } from '../ingest/fetch-stream-chunk.js';

/** One stream of one source, as named in config. */
export interface StreamRef {
  readonly source: string;
  readonly stream: string;
}

/** Input of `planRun`. */
export interface PlanRunInput {
  readonly pipeline: string;
  readonly runId: string;
  /** ISO end of the run's data window (the scheduled time). */
  readonly windowEnd: string;
  /** Only these sources (default: all of the pipeline's). */
  readonly sources?: readonly string[];
}

/** What a run will do, from config: small and secret-free, so it can sit in history. */
export interface RunPlan {
  readonly streams: readonly StreamRef[];
  readonly failurePolicy: 'all_or_nothing' | 'partial';
}

/** Input of `fetchStreamChunk`. */
export interface FetchChunkInput extends StreamRef {
  readonly runId: string;
  /** Pages to fetch before returning (the workflow loops over chunks). */
  readonly maxPages: number;
}

/** Input of `mergeRun`. */
export interface MergeRunActivityInput {
  readonly runId: string;
  readonly streams: readonly StreamRef[];
}

/** Input of `finishRun`. */
export interface FinishRunInput {
  readonly runId: string;
  readonly status: 'succeeded' | 'failed' | 'degraded';
  readonly summary: RunSummary;
  readonly error?: string;
}

/** Per-stream outcome in a run summary. */
export interface StreamSummary extends StreamRef {
  readonly status: 'succeeded' | 'failed';
  readonly pages: number;
  readonly records: number;
  readonly paginationType?: string;
  readonly truncation?: string;
  readonly error?: string;
}

/** A run's summary, stored in Postgres and in the workflow's memo/result. */
export interface RunSummary {
  readonly pipeline: string;
  readonly runId: string;
  readonly windowEnd: string;
  readonly streams: readonly StreamSummary[];
  readonly entities: readonly EntityMergeSummary[];
}

export type { EntityMergeSummary, FetchProgress };
