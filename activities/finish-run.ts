import { Context } from '@temporalio/activity';
import { pruneStaged } from '../store/prune-staged.js';
import { recordRunEnd } from '../store/run-store.js';
import type { FinishRunInput } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';
import { notifyRunOutcomeActivity } from './notify-run-outcome.js';

/** Stores the run's outcome and summary, and logs it with the run id and pipeline. */
export function finishRunActivity(deps: ActivityDeps) {
  const { db, masker } = deps;
  const notify = notifyRunOutcomeActivity(deps);
  return async (input: FinishRunInput): Promise<void> => {
    const error = input.error ? masker.mask(input.error) : undefined;
    await recordRunEnd(db, {
      runId: input.runId,
      status: input.status,
      summary: input.summary as unknown as Record<string, unknown>,
      ...(error ? { error } : {}),
    });
    const records = input.summary.streams.reduce((n, s) => n + s.records, 0);
    const log = Context.current().log;
    const meta = { runId: input.runId, pipeline: input.summary.pipeline, status: input.status, records, ...(error ? { error } : {}) };
    if (input.status === 'succeeded') log.info('run finished', meta);
    else log.warn('run finished', meta);
    deps.log?.[input.status === 'succeeded' ? 'info' : 'warn'](meta, 'run finished');
    // After the outcome is stored, so freshness and alerts see this run.
    await notify(input);
    // Raw-record retention, once the outcome is stored (a finished run is no longer protected as
    // running). After a failed run nothing is pruned, so its records stay for inspection and rerun.
    // Pruning is housekeeping: a failure is logged and never fails the run.
    if (input.status !== 'failed') {
      try {
        const pruned = await pruneStaged(db, deps.config);
        if (pruned.runs.length > 0) log.info('pruned staged records', { runId: input.runId, pipeline: input.summary.pipeline, runs: pruned.runs, records: pruned.records });
      } catch (err) {
        log.warn('pruning staged records failed', { runId: input.runId, pipeline: input.summary.pipeline, error: masker.mask((err as Error).message) });
      }
    }
  };
}
