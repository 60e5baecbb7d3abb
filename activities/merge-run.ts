import { mergeRun } from '../merge/merge-run.js';
import type { EntityMergeSummary, MergeRunActivityInput } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/** Merges the run's staged records into the entity tables in one transaction. */
export function mergeRunActivity({ db, config }: ActivityDeps) {
  return (input: MergeRunActivityInput): Promise<EntityMergeSummary[]> => mergeRun(db, config, input);
}
