import type { RetryConfig } from '../../config/sources/stream-limits.js';
import { ConnectorError } from '../connector-error.js';

/**
 * Exponential backoff with full jitter: a random delay in [0, min(max, base * 2^attempt)].
 * `attempt` counts from 0 (the first retry). Jitter spreads the retries of parallel workers so
 * they do not hit a recovering server in lockstep.
 */
export function backoffDelayMs(attempt: number, c: Pick<RetryConfig, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(c.maxDelayMs, c.baseDelayMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** What to do after a failed request inside one activity attempt. */
export type RetryDecision =
  /** Wait this long, then send the request again. */
  | { readonly action: 'retry'; readonly delayMs: number }
  /** Give up here: rethrow (non-retryable errors, or retries used up: Temporal takes over). */
  | { readonly action: 'fail' }
  /** The server asked for a wait longer than an activity should sleep: fail retryably with it as the next retry delay. */
  | { readonly action: 'defer'; readonly delayMs: number };

/**
 * Decides whether a failed request is retried inside the activity. Only retryable connector
 * errors are; a server's Retry-After wins over the backoff when it is short enough to wait out,
 * and is handed to Temporal (as the next retry delay) when it is not.
 */
export function decideRetry(err: unknown, attempt: number, c: RetryConfig & { maxInlineWaitMs: number }, random: () => number = Math.random): RetryDecision {
  if (!(err instanceof ConnectorError) || !err.retryable) return { action: 'fail' };
  if (err.retryAfterMs !== undefined && err.retryAfterMs > c.maxInlineWaitMs) return { action: 'defer', delayMs: err.retryAfterMs };
  if (attempt >= c.attempts) return { action: 'fail' };
  return { action: 'retry', delayMs: err.retryAfterMs ?? backoffDelayMs(attempt, c, random) };
}
