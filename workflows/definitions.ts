import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Live progress of one stream in a run. */
export interface StreamProgress {
  readonly source: string;
  readonly stream: string;
  readonly pages: number;
  readonly records: number;
  readonly status: 'pending' | 'fetching' | 'succeeded' | 'failed';
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

/** The task queue the worker polls unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'tributary';
