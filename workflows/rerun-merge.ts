import { ApplicationFailure, log, setHandler, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { EntityMergeSummary, RunSummary } from '../activities/index.js';
import { PIPELINE_KEY, STATUS_KEY } from '../core/search-attributes.js';
import { type StreamProgress, progressQuery } from './definitions.js';
import { rootMessage } from './failure-message.js';
import { finishRun, planRerun } from './activity-proxies.js';
import { mergeSteps } from './merge-steps.js';
import { describeRun } from './run-summary.js';

/** Input of the `rerunMerge` workflow. */
export interface RerunMergeInput {
  /** The past run whose staged records are merged again. */
  readonly rerunOf: string;
}

/**
 * Recomputes the entities a past run merged from the latest raw payload of every live source
 * record of its streams (byte-exact, as last fetched, whichever run fetched it), without
 * fetching: after a mapping or strategy change, or to rebuild entity tables. The rerun is a run
 * of its own (the workflow id is its run id) recorded with `rerun_of`; merging is idempotent, so
 * a rerun of unchanged config writes nothing.
 */
export async function rerunMerge(input: RerunMergeInput): Promise<RunSummary> {
  const runId = workflowInfo().workflowId;
  const tracked = workflowInfo().typedSearchAttributes.get(PIPELINE_KEY) !== undefined;
  const setStatus = (status: string) => {
    if (tracked) upsertSearchAttributes([{ key: STATUS_KEY, value: status }]);
  };
  let phase: 'planning' | 'merging' | 'done' = 'planning';
  let streams: StreamProgress[] = [];
  setHandler(progressQuery, () => ({ phase, streams }));
  setStatus('running');

  const plan = await planRerun({ runId, rerunOf: input.rerunOf });
  streams = plan.streams.map((s) => ({ source: s.source, stream: s.stream, pages: s.pages, records: s.records, status: 'succeeded' }));
  log.info('rerun planned', { runId, pipeline: plan.pipeline, rerunOf: plan.stagedRunId, streams: plan.streams.length });
  const summaryOf = (entities: readonly EntityMergeSummary[]): RunSummary => ({
    pipeline: plan.pipeline,
    runId,
    ...(plan.windowStart ? { windowStart: plan.windowStart } : {}),
    windowEnd: plan.windowEnd,
    rerunOf: plan.stagedRunId,
    streams: plan.streams,
    entities,
  });

  phase = 'merging';
  let entities: EntityMergeSummary[];
  try {
    entities = await mergeSteps({ runId, stagedRunId: plan.stagedRunId, fromLatest: true, streams: plan.streams.map(({ source, stream }) => ({ source, stream })) });
  } catch (err) {
    const error = `merge: ${rootMessage(err)}`;
    await finishRun({ runId, status: 'failed', summary: summaryOf([]), error });
    phase = 'done';
    setStatus('failed');
    upsertMemo({ summary: `failed: ${error}`.slice(0, 500) });
    throw ApplicationFailure.create({ type: 'RUN_FAILED', message: `rerun ${runId} of ${plan.stagedRunId} failed: ${error}`, nonRetryable: true });
  }
  const summary = summaryOf(entities);
  await finishRun({ runId, status: 'succeeded', summary });
  phase = 'done';
  setStatus('succeeded');
  upsertMemo({ summary: `rerun of ${plan.stagedRunId} | ${describeRun('succeeded', plan.streams, entities)}` });
  log.info('rerun succeeded', { runId, pipeline: plan.pipeline, rerunOf: plan.stagedRunId });
  return summary;
}
