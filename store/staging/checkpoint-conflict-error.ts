import { streamKey } from '../../core/stream-key.js';
import type { StreamRunKey } from './staging-types.js';

/** Thrown when another attempt already staged the page: this attempt must stop, not stage twice. */
export class CheckpointConflictError extends Error {
  /** Stable error code. */
  readonly code = 'CHECKPOINT_CONFLICT';
  constructor(key: StreamRunKey, page: number) {
    super(`page ${page} of ${streamKey(key)} in run ${key.runId} was already staged by another attempt`);
    this.name = 'CheckpointConflictError';
  }
}
