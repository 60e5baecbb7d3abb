import { ApplicationFailure, Context } from '@temporalio/activity';
import { streamKey } from '../core/stream-key.js';
import { countLatestByStream } from '../store/staging/latest-records.js';
import { getRun, recordRunStart } from '../store/run-store.js';
import type { PlanRerunInput, RerunPlan } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/**
 * Plans a rerun: finds the past run (following a rerun back to the run that fetched), checks it
 * has finished, records the new run with `rerun_of`, and returns every stream of its pipeline
 * that the current config maps and that has records' latest payloads, with their counts: the
 * rerun recomputes the entities from them. Nothing is fetched.
 */
export function planRerunActivity({ db, config }: ActivityDeps) {
  return async (input: PlanRerunInput): Promise<RerunPlan> => {
    const past = await getRun(db, input.rerunOf);
    if (!past) throw ApplicationFailure.nonRetryable(`no run "${input.rerunOf}" in tributary.run`, 'RUN_NOT_FOUND');
    if (past.status === 'running') {
      throw ApplicationFailure.nonRetryable(`run "${input.rerunOf}" is still running; rerun it once it has finished`, 'RUN_STILL_RUNNING');
    }
    if (!config.pipelines[past.pipeline]) {
      throw ApplicationFailure.nonRetryable(`run "${input.rerunOf}" belongs to pipeline "${past.pipeline}", which is no longer in the config; valid: ${Object.keys(config.pipelines).join(', ')}`, 'CONFIG_INVALID');
    }
    const stagedRunId = past.rerunOf ?? past.runId;
    // Every stream of the pipeline that an entity maps is recomputed from its records' latest payloads.
    const pipeline = config.pipelines[past.pipeline]!;
    const mapped = new Set(Object.values(config.entities).flatMap((e) => Object.entries(e.sources).filter(([, m]) => m.deletes === undefined).map(([ref]) => ref)));
    const refs = pipeline.sources.flatMap((source) => Object.keys(config.sources[source]?.streams ?? {}).map((stream) => ({ source, stream }))).filter((s) => mapped.has(streamKey(s)));
    const counts = await countLatestByStream(db, refs);
    const streams = refs
      .map((s) => ({ ...s, status: 'succeeded' as const, pages: 0, records: counts.get(streamKey(s)) ?? 0 }))
      .filter((s) => s.records > 0);
    if (streams.length === 0) {
      throw ApplicationFailure.nonRetryable(`pipeline "${past.pipeline}" has no record merged from a stream the config still maps; nothing to recompute`, 'NOTHING_STAGED');
    }
    await recordRunStart(db, {
      runId: input.runId,
      pipeline: past.pipeline,
      windowEnd: past.windowEnd,
      ...(past.windowStart ? { windowStart: past.windowStart } : {}),
      trigger: 'rerun',
      rerunOf: stagedRunId,
    });
    Context.current().log.info('rerun planned', { runId: input.runId, rerunOf: stagedRunId, pipeline: past.pipeline, streams: streams.length });
    return {
      pipeline: past.pipeline,
      stagedRunId,
      ...(past.windowStart ? { windowStart: past.windowStart.toISOString() } : {}),
      windowEnd: past.windowEnd.toISOString(),
      streams,
    };
  };
}
