import type { EntityMergeSummary, FollowFetchInput, MergePartition, MergePlan, PartitionOutcome } from '../merge/merge-run.js';
import type { WriteCounts } from '../merge/write/entity-writer.js';
import type { ChunkStats, FetchProgress, FetchState } from '../ingest/fetch-pages.js';
import type { StreamRef } from '../core/stream-key.js';

export type { StreamRef } from '../core/stream-key.js';

/** Input of `planRun`. */
export interface PlanRunInput {
  readonly pipeline: string;
  readonly runId: string;
  /** ISO end of the run's data window (the scheduled time). */
  readonly windowEnd: string;
  /** ISO start of the window; default: one schedule interval (or the previous cron fire) before the end. */
  readonly windowStart?: string;
  /** How the run started (recorded with the run). */
  readonly trigger?: 'scheduled' | 'manual' | 'backfill';
  /** Only these sources (default: all of the pipeline's). */
  readonly sources?: readonly string[];
  /** The fingerprint of the config the run was started with; planning refuses a run of another config. */
  readonly configFingerprint?: string;
}

/** A stream in a run plan; a child stream names the parent stream it must wait for. */
export interface PlannedStream extends StreamRef {
  /** Fetch this stream only after that one (same source) succeeded: it fans out over its records. */
  readonly dependsOn?: StreamRef;
}

/** What a run will do, from config: small and secret-free, so it can sit in history. */
export interface RunPlan {
  readonly streams: readonly PlannedStream[];
  /** The entities merged while the streams are fetched (`merge.overlap`), each with its streams; absent in runs planned before the merge overlapped the fetch. */
  readonly follow?: ReadonlyArray<{ readonly entity: string; readonly streams: readonly StreamRef[] }>;
  readonly failurePolicy: 'all_or_nothing' | 'partial';
  /** ISO start of the run's data window (exclusive). */
  readonly windowStart?: string;
}

/** Input of `fetchStreamChunk`. */
export interface FetchChunkInput extends StreamRef {
  readonly runId: string;
  /** Pages to fetch before returning (the workflow loops over chunks). */
  readonly maxPages: number;
  /** The run's pipeline (metrics and log labels); absent in runs started before it was passed. */
  readonly pipeline?: string;
  /** The run's data window (ISO), for request templates; absent in runs started before it was passed (then read from the run row). */
  readonly window?: RunWindow;
}

/** A run's data window: ISO end, and start when the run has one. */
export interface RunWindow {
  readonly start?: string;
  readonly end: string;
}

/** Input of `commitWatermarks`: the streams whose fetched data the run's merge committed. */
export interface CommitWatermarksInput {
  readonly runId: string;
  readonly streams: readonly StreamRef[];
}

/** Input of `mergeRun` and `prepareMerge`. */
export interface MergeRunActivityInput {
  readonly runId: string;
  readonly streams: readonly StreamRef[];
  /** The run whose staged records to merge, when not `runId` (a rerun merges a past run's records). */
  readonly stagedRunId?: string;
  /** Merge every record's latest payload instead of a run's staged records (`rerun`). */
  readonly fromLatest?: boolean;
}

/** Input of `recordLatest`: the run and the streams whose staged records become the latest payloads. */
export interface RecordLatestInput {
  readonly runId: string;
  readonly latest: readonly StreamRef[];
}

/** Input of `recordFollowedLatest`: the run, the entities it merged during the fetch, and the streams it merges. */
export interface RecordFollowedLatestInput {
  readonly runId: string;
  readonly follow: ReadonlyArray<{ readonly entity: string }>;
  readonly streams: readonly StreamRef[];
}

/** Input of `publishMerge`: the prepared plan and what each of its partitions returned. */
export interface PublishMergeInput {
  readonly plan: MergePlan;
  readonly outcomes: readonly PartitionOutcome[];
}

/** Input of `planRerun`. */
export interface PlanRerunInput {
  /** The new run's id. */
  readonly runId: string;
  /** The past run whose staged records are merged again. */
  readonly rerunOf: string;
}

/** What a rerun merges: small and secret-free. */
export interface RerunPlan {
  readonly pipeline: string;
  /** The run that staged the records (a rerun of a rerun reaches back to the original fetch). */
  readonly stagedRunId: string;
  readonly windowStart?: string;
  readonly windowEnd: string;
  /** Streams the past run fetched completely that the config still maps, with their counts. */
  readonly streams: readonly StreamSummary[];
}

/** Input of `finishRun`. */
export interface FinishRunInput {
  readonly runId: string;
  readonly status: 'succeeded' | 'failed' | 'degraded';
  readonly summary: RunSummary;
  readonly error?: string;
}

/**
 * Per-stream outcome in a run summary: the fetch's final state (pages, records, scheme, caps,
 * what it came short of) and its chunk statistics summed over the stream (waits, retries,
 * warnings each once); a failed stream has the counts it reached and its error.
 */
export interface StreamSummary extends StreamRef, Partial<Omit<FetchState, 'done' | 'reportedTotal' | 'pages' | 'records'>>, ChunkStats {
  /** `incomplete`: fetched short of what the upstream has under `onTruncation: degrade`; merged, but the run is degraded and the watermark stays. */
  readonly status: 'succeeded' | 'incomplete' | 'failed';
  readonly pages: number;
  readonly records: number;
  readonly error?: string;
}

/** A run's summary, stored in Postgres and in the workflow's memo/result. */
export interface RunSummary {
  readonly pipeline: string;
  readonly runId: string;
  readonly windowStart?: string;
  readonly windowEnd: string;
  /** For a rerun: the run whose staged records were merged again. */
  readonly rerunOf?: string;
  readonly streams: readonly StreamSummary[];
  readonly entities: readonly EntityMergeSummary[];
}

export type { ChunkStats, EntityMergeSummary, FetchProgress, FetchState, FollowFetchInput, MergePartition, MergePlan, PartitionOutcome, WriteCounts };
