import {
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  isCancellation,
  log,
  patched,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { EntityMergeSummary, FetchProgress, PlannedStream, RunSummary, StreamSummary } from '../activities/index.js';
import { PIPELINE_KEY, SCHEDULED_START_KEY, STATUS_KEY } from '../core/search-attributes.js';
import { streamKey } from '../core/stream-key.js';
import { type StreamProgress, progressQuery, streamProgressSignal } from './definitions.js';
import { rootMessage } from './failure-message.js';
import { commitWatermarks, finishRun, mergeWhileFetching, planRun } from './activity-proxies.js';
import { mergeSteps } from './merge-steps.js';
import { describeRun } from './run-summary.js';
import { syncStream } from './sync-stream.js';

/** Input of the `syncPipeline` workflow: names only, never secrets or records. */
export interface SyncPipelineInput {
  readonly pipeline: string;
  /** ISO end of the data window; defaults to the scheduled time (or the start time). */
  readonly windowEnd?: string;
  /** ISO start of the data window; defaults to one schedule interval before the end. */
  readonly windowStart?: string;
  /** Only these sources. */
  readonly sources?: readonly string[];
  /** How the run was started (default: `scheduled`). */
  readonly trigger?: 'scheduled' | 'manual' | 'backfill';
  /** The fingerprint of the config the run was started with (`configFingerprint`); a worker running another config refuses the run. */
  readonly configFingerprint?: string;
  /** How each stream splits its fetch into activities and executions (tuning; the defaults suit most runs). */
  readonly chunking?: {
    /** Pages per fetch activity (default `PAGES_PER_CHUNK`, 100). */
    readonly pagesPerChunk?: number;
    /** Fetch activities per stream workflow execution before it continues as new (default `CHUNKS_PER_EXECUTION`, 10). */
    readonly chunksPerExecution?: number;
  };
}

/**
 * One pipeline run: plan from config, fetch every stream in its own child workflow (in
 * parallel), merge what was staged, and record the summary. The run id is the workflow id, so
 * staged records, the run row and Temporal history all share it. Under `all_or_nothing` the
 * first failed stream cancels the others, so a bad credential fails the run in seconds.
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
  const meta = { runId, pipeline: input.pipeline };

  let phase: 'planning' | 'fetching' | 'merging' | 'done' = 'planning';
  const progress = new Map<string, StreamProgress>();
  setHandler(progressQuery, () => ({ phase, streams: [...progress.values()] }));
  setHandler(streamProgressSignal, (p) => void progress.set(streamKey(p), p));
  setStatus('running');

  const plan = await planRun({
    pipeline: input.pipeline,
    runId,
    windowEnd,
    ...(input.windowStart ? { windowStart: input.windowStart } : {}),
    ...(input.sources ? { sources: input.sources } : {}),
    ...(input.trigger ? { trigger: input.trigger } : {}),
    ...(input.configFingerprint ? { configFingerprint: input.configFingerprint } : {}),
  });
  for (const s of plan.streams) progress.set(streamKey(s), { ...s, pages: 0, records: 0, status: 'pending' });
  log.info('run planned', { ...meta, windowStart: plan.windowStart, windowEnd, streams: plan.streams.length, failurePolicy: plan.failurePolicy });

  phase = 'fetching';
  // As the run row holds it (millisecond ISO), for the streams' request templates.
  const iso = (t: string) => new Date(t).toISOString();
  const window = { ...(plan.windowStart ? { start: iso(plan.windowStart) } : {}), end: iso(windowEnd) };
  const fetching = new CancellationScope();
  // Parents start before their children, so a child can wait on its parent's promise.
  const started = new Map<string, Promise<FetchProgress>>();
  const ordered = [...plan.streams].sort((a, b) => depth(plan.streams, a) - depth(plan.streams, b));
  // Runs recorded before children followed their parents waited for the whole parent stream.
  const follow = plan.streams.some((s) => s.dependsOn) && patched('children-follow-parents');
  for (const s of ordered) {
    const fetchStream = async () => {
      const child = await startChild(syncStream, {
        workflowId: `${runId}/${streamKey(s)}`,
        args: [{ runId, source: s.source, stream: s.stream, parentWorkflowId: runId, pipeline: input.pipeline, window, ...input.chunking }],
        parentClosePolicy: ParentClosePolicy.TERMINATE,
      });
      return child.result();
    };
    started.set(
      streamKey(s),
      fetching
        .run(async () => {
          if (!s.dependsOn) return fetchStream();
          // A child stream fans out over its parent's records staged in this run.
          const parentKey = streamKey(s.dependsOn);
          const parentFailed = () => ApplicationFailure.create({ type: 'PARENT_FAILED', message: `parent stream ${parentKey} failed`, nonRetryable: true });
          const parentDone = started.get(parentKey)!;
          if (!follow) {
            await parentDone.catch(() => {
              throw parentFailed();
            });
            return fetchStream();
          }
          // Started at once: it reads the parent's records as they are staged, and is cancelled when the parent fails.
          const scope = new CancellationScope();
          let failed = false;
          parentDone.catch(() => {
            failed = true;
            scope.cancel();
          });
          try {
            const fetched = await scope.run(fetchStream);
            // A parent can still fail after its last page is staged (short of its total, duplicate
            // keys): the child then saw only the parents that arrived, and must not count as complete.
            await parentDone;
            return fetched;
          } catch (err) {
            if (failed) throw parentFailed();
            throw err;
          }
        })
        .catch((err: unknown) => {
          // A failure no retry can fix: the run is lost under all_or_nothing, so stop fetching now.
          if (plan.failurePolicy === 'all_or_nothing' && !fetching.consideredCancelled) {
            log.warn('stream failed; cancelling the other streams', { ...meta, stream: streamKey(s), error: rootMessage(err) });
            fetching.cancel();
          }
          throw err;
        }),
    );
  }
  // Entities whose records are merged as they are staged: one activity each, called again slice after slice until the fetch ends.
  const following = new CancellationScope();
  const followers = (plan.follow ?? []).length > 0 && patched('merge-follows-fetch') ? (plan.follow ?? []).map((f) =>
    following
      .run(async () => {
        // Until closed: a slice ends, and the next is called, only while the fetch goes on.
        while (!(await mergeWhileFetching({ runId, entity: f.entity, streams: f.streams }))?.closed);
      })
      .catch((err: unknown) => {
        // Only an optimization: the merge after the fetch takes whatever it did not get to.
        if (!isCancellation(err)) log.warn('merge during the fetch stopped; the merge after the fetch takes the rest', { ...meta, entity: f.entity, error: rootMessage(err) });
      }),
  ) : [];
  const outcomes = await Promise.allSettled(plan.streams.map((s) => started.get(streamKey(s))!));
  following.cancel();
  await Promise.all(followers);
  const streams: StreamSummary[] = plan.streams.map((s, i) => summarizeStream(s, outcomes[i]!, progress.get(streamKey(s))));
  for (const s of streams) progress.set(streamKey(s), { source: s.source, stream: s.stream, pages: s.pages, records: s.records, status: s.status });
  const failed = streams.filter((s) => s.status === 'failed');
  const succeeded = streams.filter((s) => s.status === 'succeeded');
  // Incomplete streams (onTruncation: degrade) are merged, but their watermarks stay and the run is degraded.
  const incomplete = streams.filter((s) => s.status === 'incomplete');
  const merged = [...succeeded, ...incomplete];

  const summaryOf = (entities: readonly EntityMergeSummary[]): RunSummary => ({
    pipeline: input.pipeline,
    runId,
    ...(plan.windowStart ? { windowStart: plan.windowStart } : {}),
    windowEnd,
    streams,
    entities,
  });
  const fail = async (error: string, entities: readonly EntityMergeSummary[]): Promise<never> => {
    await finishRun({ runId, status: 'failed', summary: summaryOf(entities), error });
    phase = 'done';
    setStatus('failed');
    upsertMemo({ summary: `failed: ${error}`.slice(0, 500) });
    log.error('run failed', { ...meta, error });
    throw ApplicationFailure.create({ type: 'RUN_FAILED', message: `run ${runId} failed: ${error}`, nonRetryable: true });
  };
  // Under all_or_nothing the first real failure is the reason; streams it cancelled are not.
  const reasons = failed.filter((s, _, all) => all.length === 1 || !s.error?.startsWith('cancelled before'));
  if (failed.length > 0 && (plan.failurePolicy === 'all_or_nothing' || merged.length === 0)) {
    return fail(reasons.map((s) => `${streamKey(s)}: ${s.error}`).join('; '), []);
  }

  phase = 'merging';
  let entities: EntityMergeSummary[];
  try {
    entities = await mergeSteps({ runId, streams: merged.map(({ source, stream }) => ({ source, stream })) }, followers.length > 0 ? (plan.follow ?? []) : []);
  } catch (err) {
    return fail(`merge: ${rootMessage(err)}`, []);
  }
  try {
    // Only now that the merge committed may incremental watermarks move forward.
    await commitWatermarks({ runId, streams: succeeded.map(({ source, stream }) => ({ source, stream })) });
  } catch (err) {
    return fail(`watermarks: ${rootMessage(err)}`, entities);
  }
  const short = [...failed.map((s) => `${streamKey(s)}: ${s.error}`), ...incomplete.map((s) => `${streamKey(s)} incomplete: ${s.incomplete}`)];
  const status = short.length > 0 ? 'degraded' : 'succeeded';
  const summary = summaryOf(entities);
  await finishRun({ runId, status, summary, ...(short.length > 0 ? { error: short.join('; ') } : {}) });
  phase = 'done';
  setStatus(status);
  upsertMemo({ summary: describeRun(status, streams, entities) });
  if (status === 'degraded') log.warn('run degraded: merged the streams that succeeded', { ...meta, failed: failed.map((s) => streamKey(s)), incomplete: incomplete.map((s) => streamKey(s)) });
  else log.info('run succeeded', meta);
  return summary;
}

/** How many parents a planned stream has above it (0 for a stream without a parent). */
function depth(streams: readonly PlannedStream[], s: PlannedStream): number {
  let n = 0;
  for (let p = s.dependsOn; p && n < streams.length; n++) {
    const parent = p;
    p = streams.find((x) => x.source === parent.source && x.stream === parent.stream)?.dependsOn;
  }
  return n;
}

function summarizeStream(s: { source: string; stream: string }, outcome: PromiseSettledResult<FetchProgress>, live: StreamProgress | undefined): StreamSummary {
  if (outcome.status === 'fulfilled') {
    // The stream's result is its final state and totals; what only the fetch needs stays out.
    const { done: _done, reportedTotal: _total, ...fetched } = outcome.value;
    return { ...s, ...fetched, status: fetched.incomplete ? 'incomplete' : 'succeeded' };
  }
  return { ...s, status: 'failed', pages: live?.pages ?? 0, records: live?.records ?? 0, error: rootMessage(outcome.reason) };
}
