import type { DispatchResult } from '../observability/alerts/alert-dispatcher.js';
import { notifyRunOutcome } from '../observability/alerts/notify-run-outcome.js';
import type { ActivityDeps } from './activity-deps.js';
import type { FinishRunInput } from './activity-types.js';

/**
 * Alerts about a finished run (failed, degraded, failing or stale sources; de-duplicated), and
 * records its metrics. `finishRun` calls it after storing the outcome, so no workflow change is
 * needed; it never throws, since alerting must not fail a run.
 */
export function notifyRunOutcomeActivity(deps: ActivityDeps) {
  return async (input: FinishRunInput): Promise<DispatchResult | undefined> => {
    const { metrics, alerts, log } = deps;
    const pipeline = input.summary.pipeline;
    if (metrics) {
      metrics.runs.inc({ pipeline, status: input.status });
      const run = await deps.db.selectFrom('tributary.run').select(['started_at', 'finished_at']).where('run_id', '=', input.runId).executeTakeFirst().catch(() => undefined);
      if (run?.finished_at) metrics.runDuration.observe({ pipeline, status: input.status }, (run.finished_at.getTime() - run.started_at.getTime()) / 1000);
      for (const e of input.summary.entities) {
        metrics.recordsMerged.inc({ pipeline, entity: e.entity, outcome: 'written' }, e.written);
        metrics.recordsMerged.inc({ pipeline, entity: e.entity, outcome: 'unchanged' }, e.unchanged);
        metrics.recordsMerged.inc({ pipeline, entity: e.entity, outcome: 'deleted' }, e.deleted);
        metrics.recordsQuarantined.inc({ pipeline, entity: e.entity }, e.quarantined);
      }
      for (const s of input.summary.streams) if (s.status === 'succeeded') metrics.sourceLastSuccess.set({ pipeline, source: s.source, stream: s.stream }, Date.now() / 1000);
    }
    if (!alerts) return undefined;
    try {
      return await notifyRunOutcome(
        { db: deps.db, config: deps.config, dispatcher: alerts },
        { runId: input.runId, pipeline, status: input.status, error: input.error ? deps.masker.mask(input.error) : undefined, streams: input.summary.streams.map((s) => ({ ...s, error: s.error ? deps.masker.mask(s.error) : undefined })) },
      );
    } catch (err) {
      log?.error({ runId: input.runId, pipeline, err: deps.masker.mask((err as Error).message) }, 'alert evaluation failed');
      return undefined;
    }
  };
}
