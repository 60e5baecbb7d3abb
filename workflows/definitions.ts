import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Live progress of one stream in a run. */
export interface StreamProgress {
  readonly source: string;
  readonly stream: string;
  readonly pages: number;
  readonly records: number;
  readonly status: 'pending' | 'fetching' | 'succeeded' | 'incomplete' | 'failed';
}

/** Live progress of a pipeline run. */
export interface PipelineProgress {
  readonly phase: 'planning' | 'fetching' | 'merging' | 'done';
  readonly streams: readonly StreamProgress[];
}

/** Query a pipeline run's live progress (records and pages per source). */
export const progressQuery = defineQuery<PipelineProgress>('progress');

/** Sent by a stream's child workflow to its pipeline run after each chunk. */
export const streamProgressSignal = defineSignal<[StreamProgress]>('streamProgress');

/**
 * Pages one fetch activity of `syncStream` requests by default (fewer when its time is up: see
 * `CHUNK_MAX_MS`). Each chunk costs a round trip through Temporal between two pages; at 100
 * pages that is about 0.9 s of a 1M-record run against about 1.5 s at 50.
 */
export const PAGES_PER_CHUNK = 100;

/**
 * Fetch activities one `syncStream` execution runs before it continues as new: about six
 * history events each, so an execution holds at most about `streamExecutionEventBound()` events
 * whatever the stream's size (1,000 pages, 250k records at the default chunk of 100 pages of 250).
 */
export const CHUNKS_PER_EXECUTION = 10;

/** The most history events one `syncStream` execution of `chunks` fetch activities holds (start, chunks, two progress reports, the end). */
export function streamExecutionEventBound(chunks = CHUNKS_PER_EXECUTION): number {
  return 6 * chunks + 24;
}

/** The task queue the worker polls unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'tributary';
