import { type AdvancedWatermark, commitWatermarks } from '../ingest/commit-watermarks.js';
import type { CommitWatermarksInput } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/** Advances the incremental watermarks of a run's streams; the workflow calls it only after the merge committed. */
export function commitWatermarksActivity({ db, config }: ActivityDeps) {
  return (input: CommitWatermarksInput): Promise<AdvancedWatermark[]> => commitWatermarks(db, config, input);
}
