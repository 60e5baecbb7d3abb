import { Context } from '@temporalio/activity';
import { type FollowFetchInput, type FollowOutcome, mergeWhileFetching } from '../merge/merge-run.js';
import type { ActivityDeps } from './activity-deps.js';

/** How long one `mergeWhileFetching` activity follows the fetch before the workflow calls it again. */
export const FOLLOW_SLICE_MS = 5 * 60_000;

/**
 * Merges one entity's records while the run's streams are still fetched, until the workflow
 * cancels it (the fetch ended) or its slice is over; `closed` tells the workflow not to call it
 * again. Cancelled, it stops between transactions and returns: what it merged is committed, the
 * merge after the fetch takes the rest.
 */
export function mergeWhileFetchingActivity({ db, config }: ActivityDeps) {
  return async (input: FollowFetchInput): Promise<FollowOutcome> => {
    const ctx = Context.current();
    // Only an activity given a heartbeat timeout may heartbeat (the SDK's rule); heartbeats deliver the cancellation.
    const heartbeat = ctx.info.heartbeatTimeoutMs ? () => ctx.heartbeat() : undefined;
    return mergeWhileFetching(db, config, input, { signal: ctx.cancellationSignal, sliceMs: FOLLOW_SLICE_MS, ...(heartbeat ? { heartbeat } : {}) });
  };
}
