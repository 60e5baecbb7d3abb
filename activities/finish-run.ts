import { recordRunEnd } from '../store/run-store.js';
import type { FinishRunInput } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/** Stores the run's outcome and summary. */
export function finishRunActivity({ db, masker }: ActivityDeps) {
  return (input: FinishRunInput): Promise<void> =>
    recordRunEnd(db, {
      runId: input.runId,
      status: input.status,
      summary: input.summary as unknown as Record<string, unknown>,
      ...(input.error ? { error: masker.mask(input.error) } : {}),
    });
}
