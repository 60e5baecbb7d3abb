import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimitConfig, RetryConfig } from '../../config/sources/stream-limits.js';
import { ConnectorError, RateLimitedError, ResponseFormatError } from '../connector-error.js';
import type { RateLimiter, WaitStats } from '../rate-limit/rate-limiter.js';
import type { HttpClient } from './http-client.js';
import { redactUrl } from './redact-url.js';
import { decideRetry } from './retry-delay.js';
import { rateLimitPauseMs } from './retry-after.js';

/** Rate-limit waits and retries of one activity's requests, for its progress report. */
export interface RequestStats extends WaitStats {
  retries: number;
}

/**
 * The HTTP client a source's readers use: every request passes the source's rate limiter, a
 * response saying the limit is exhausted (`RateLimit-Remaining: 0` with a reset) pauses the
 * source until the reset, and transient failures are retried a few times with jittered backoff
 * or the server's Retry-After. A wait longer than `maxInlineWaitMs` ends the attempt with a
 * retryable error carrying the delay, which becomes Temporal's next retry delay.
 */
export function createSourceHttpClient(
  http: HttpClient,
  limiter: RateLimiter,
  c: { retry: RetryConfig; rateLimit: Pick<RateLimitConfig, 'maxInlineWaitMs'> },
  stats: RequestStats = { waitedMs: 0, retries: 0 },
  now: () => number = Date.now,
): HttpClient & { readonly stats: RequestStats } {
  const policy = { ...c.retry, maxInlineWaitMs: c.rateLimit.maxInlineWaitMs };
  return {
    stats,
    async requestJson(request) {
      let lastInvalidBody: string | undefined;
      for (let attempt = 0; ; attempt++) {
        const paused = limiter.pausedForMs();
        if (paused > policy.maxInlineWaitMs) throw new RateLimitedError(`requests to ${redactUrl(request.url)}`, paused);
        try {
          const response = await limiter.run(() => http.requestJson(request), stats);
          const pause = rateLimitPauseMs(response.headers, now());
          if (pause !== undefined && pause > 0) limiter.pauseUntil(now() + pause);
          return response;
        } catch (err) {
          // The very same invalid body twice in a row is a broken endpoint, not a passing fault.
          if (err instanceof ResponseFormatError && err.bodyHash !== undefined) {
            if (err.bodyHash === lastInvalidBody) throw new ResponseFormatError(err.url, `${err.reason} (the same body on two attempts in a row)`, { retryable: false });
            lastInvalidBody = err.bodyHash;
          }
          const decision = decideRetry(err, attempt, policy);
          const serverAsked = err instanceof ConnectorError && err.retryAfterMs !== undefined;
          // A server's wait applies to every request of the source, not just this one, even
          // when this request gives up here (Temporal then retries it after the same wait).
          if (serverAsked) limiter.pauseUntil(now() + (err.retryAfterMs ?? 0));
          if (decision.action !== 'retry') throw err;
          stats.retries++;
          if (!serverAsked) {
            stats.waitedMs += decision.delayMs;
            await sleep(decision.delayMs);
          }
        }
      }
    },
  };
}
