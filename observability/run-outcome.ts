import type { Kysely } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import type { SecretMasker } from '../secrets/secret-masker.js';
import type { Database } from '../store/database-schema.js';
import type { AlertDispatcher, DispatchResult } from './alerts/alert-dispatcher.js';
import { notifyRunOutcome } from './alerts/notify-run-outcome.js';
import type { RunOutcome } from './alerts/run-conditions.js';
import type { Logger } from './logger.js';
import type { TributaryMetrics } from './metrics.js';

/** What reporting a finished run needs; metrics, alerts and the log are each optional. */
export interface RunOutcomeDeps {
  readonly db: Kysely<Database>;
  readonly config: TributaryConfig;
  readonly masker: SecretMasker;
  readonly metrics?: TributaryMetrics | undefined;
  readonly alerts?: AlertDispatcher | undefined;
  readonly log?: Logger | undefined;
}

/** A finished run as reported: its status and error, and the counts of its summary. */
export interface FinishedRun extends Omit<RunOutcome, 'pipeline' | 'streams'> {
  readonly summary: {
    readonly pipeline: string;
    readonly streams: ReadonlyArray<RunOutcome['streams'][number] & { readonly records: number }>;
    readonly entities: ReadonlyArray<{ readonly entity: string; readonly written: number; readonly unchanged: number; readonly deleted: number; readonly quarantined: number }>;
  };
}

/**
 * Everything observability does when a run finished, after its outcome is stored: one log line,
 * the run's metrics (count and duration by status, merged and quarantined records, each
 * succeeded stream's last success) and its alerts (failed or degraded run, failing or
 * incomplete sources, stale ones; de-duplicated). Never throws: reporting must not fail a run.
 */
export async function reportRunOutcome(deps: RunOutcomeDeps, run: FinishedRun): Promise<DispatchResult | undefined> {
  const { metrics, alerts, log } = deps;
  const pipeline = run.summary.pipeline;
  const error = run.error ? deps.masker.mask(run.error) : undefined;
  const records = run.summary.streams.reduce((n, s) => n + s.records, 0);
  log?.[run.status === 'succeeded' ? 'info' : 'warn']({ runId: run.runId, pipeline, status: run.status, records, ...(error ? { error } : {}) }, 'run finished');
  if (metrics) {
    metrics.runs.inc({ pipeline, status: run.status });
    const times = await deps.db.selectFrom('tributary.run').select(['started_at', 'finished_at']).where('run_id', '=', run.runId).executeTakeFirst().catch(() => undefined);
    if (times?.finished_at) metrics.runDuration.observe({ pipeline, status: run.status }, (times.finished_at.getTime() - times.started_at.getTime()) / 1000);
    for (const e of run.summary.entities) {
      metrics.recordsMerged.inc({ pipeline, entity: e.entity, outcome: 'written' }, e.written);
      metrics.recordsMerged.inc({ pipeline, entity: e.entity, outcome: 'unchanged' }, e.unchanged);
      metrics.recordsMerged.inc({ pipeline, entity: e.entity, outcome: 'deleted' }, e.deleted);
      metrics.recordsQuarantined.inc({ pipeline, entity: e.entity }, e.quarantined);
    }
    for (const s of run.summary.streams) if (s.status === 'succeeded') metrics.sourceLastSuccess.set({ pipeline, source: s.source, stream: s.stream }, Date.now() / 1000);
  }
  if (!alerts) return undefined;
  try {
    const streams = run.summary.streams.map((s) => ({ ...s, error: s.error ? deps.masker.mask(s.error) : undefined }));
    return await notifyRunOutcome({ db: deps.db, config: deps.config, dispatcher: alerts }, { runId: run.runId, pipeline, status: run.status, error, streams });
  } catch (err) {
    log?.error({ runId: run.runId, pipeline, err: deps.masker.mask((err as Error).message) }, 'alert evaluation failed');
    return undefined;
  }
}
