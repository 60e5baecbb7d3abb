import { ApplicationFailure, Context } from '@temporalio/activity';
import { getRun, recordRunStart } from '../store/run-store.js';
import type { PlanRerunInput, RerunPlan } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/**
 * Plans a rerun: finds the past run (following a rerun back to the run that fetched), checks it
 * has finished, records the new run with `rerun_of`, and returns the streams it staged
 * completely that the current config still maps. Nothing is fetched.
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
    const done = await db
      .selectFrom('tributary.fetch_checkpoint')
      .select(['source', 'stream', 'pages', 'records'])
      .where('run_id', '=', stagedRunId)
      .where('done', '=', true)
      .orderBy('source')
      .orderBy('stream')
      .execute();
    // A stream since removed from config has no mapping to merge it with.
    const streams = done.filter((s) => config.sources[s.source]?.streams[s.stream]).map((s) => ({ source: s.source, stream: s.stream, status: 'succeeded' as const, pages: s.pages, records: s.records }));
    if (streams.length === 0) {
      throw ApplicationFailure.nonRetryable(`run "${stagedRunId}" has no completely fetched stream that the config still has; nothing to merge`, 'NOTHING_STAGED');
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
