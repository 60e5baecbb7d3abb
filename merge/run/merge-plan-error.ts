/** Thrown when a merge partition has no prepared plan to write from (its run's merge was published, or never prepared). */
export class MergePlanError extends Error {
  /** Stable error code. */
  readonly code = 'MERGE_PLAN_MISSING';
  constructor(message: string) {
    super(message);
    this.name = 'MergePlanError';
  }
}
