import { Context } from '@temporalio/activity';

/** How often a long activity reports that it is alive; well under the workflows' 10 s heartbeat timeouts. */
export const KEEP_ALIVE_INTERVAL_MS = 2_000;

/**
 * Runs `fn` while heartbeating every couple of seconds, so Temporal notices a dead worker within
 * the heartbeat timeout even when one step (a slow page, a merge waiting on a lock) takes longer
 * than that. Heartbeats also deliver cancellation (worker shutdown) to the activity.
 */
export async function withKeepAlive<T>(fn: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  // Only an activity given a heartbeat timeout may heartbeat (the SDK's rule).
  if (!ctx.info.heartbeatTimeoutMs) return fn();
  const timer = setInterval(() => ctx.heartbeat(), KEEP_ALIVE_INTERVAL_MS);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}
