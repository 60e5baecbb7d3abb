import { forgetFollows, summarizeCommitted } from '../merge/merge-run.js';
import { reportRunOutcome } from '../observability/run-outcome.js';
import { pruneStaged } from '../store/staging/prune-staged.js';
import { recordRunEnd } from '../store/run-store.js';
import type { FinishRunInput } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/**
 * Stores the run's outcome and summary (a failed run's with what its merge had committed:
 * contributions and rows stored during the fetch or by partitions before the failure), then has
 * observability report it (log, metrics, alerts) and prunes staged records past their retention.
 */
export function finishRunActivity(deps: ActivityDeps) {
  const { db, masker, log } = deps;
  return async (input: FinishRunInput): Promise<void> => {
    const error = input.error ? masker.mask(input.error) : undefined;
    // The workflow knows no entity of a run that failed before its merge published; what was
    // committed stays in the tables, so the summary counts it.
    const summary = input.status === 'failed' && input.summary.entities.length === 0 ? { ...input.summary, entities: await summarizeCommitted(db, input.runId) } : input.summary;
    await recordRunEnd(db, {
      runId: input.runId,
      status: input.status,
      summary: summary as unknown as Record<string, unknown>,
      ...(error ? { error } : {}),
    });
    // What a merge during the fetch recorded is no longer needed once the run ended (its merge published, or the run failed).
    await forgetFollows(db, input.runId);
    // After the outcome is stored, so freshness and alerts see this run.
    await reportRunOutcome(deps, { ...input, summary });
    // Raw-record retention, once the outcome is stored (a finished run is no longer protected as
    // running). After a failed run nothing is pruned, so its records stay for inspection and rerun.
    // Pruning is housekeeping: a failure is logged and never fails the run.
    if (input.status !== 'failed') {
      const meta = { runId: input.runId, pipeline: summary.pipeline };
      try {
        const pruned = await pruneStaged(db, deps.config);
        if (pruned.runs.length > 0) log?.info({ ...meta, runs: pruned.runs, records: pruned.records }, 'pruned staged records');
      } catch (err) {
        log?.warn({ ...meta, error: masker.mask((err as Error).message) }, 'pruning staged records failed');
      }
    }
  };
}
