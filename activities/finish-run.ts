import { Context } from '@temporalio/activity';
import { recordRunEnd } from '../store/run-store.js';
import type { FinishRunInput } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/** Stores the run's outcome and summary, and logs it with the run id and pipeline. */
export function finishRunActivity({ db, masker }: ActivityDeps) {
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
  };
}
