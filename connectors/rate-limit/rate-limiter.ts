import type { RateLimitConfig } from '../../config/sources/stream-limits.js';
import { type SharedRateBudget, createSharedRateLimiter } from './shared-rate-limiter.js';

/** Time spent waiting for the rate limiter, per activity (reported in fetch progress). */
export interface WaitStats {
  waitedMs: number;
}

/**
 * One source's request budget in a worker process: at most `maxConcurrency` requests in flight,
 * at most `requestsPerSecond` started per second, and a pause when the server says its limit is
 * exhausted. Every activity of the source shares it.
 */
export interface RateLimiter {
  /** Runs `send` when the budget allows; time spent waiting is added to `stats`. */
  run<T>(send: () => Promise<T>, stats?: WaitStats): Promise<T>;
  /** Holds every request of the source until `epochMs` (a server's reset time). */
  pauseUntil(epochMs: number): void;
  /** How long a request started now would wait for a pause to end. */
  pausedForMs(): number;
}

/** The limiters of a worker, one per source name. */
export interface RateLimiterRegistry {
  forSource(source: string, config: Pick<RateLimitConfig, 'requestsPerSecond' | 'maxConcurrency' | 'maxInlineWaitMs'>): RateLimiter;
}

/**
 * A registry creating each source's limiter on first use (a config change creates a new one).
 * With a `shared` budget (a worker's Postgres), each source's limits and pauses hold across all
 * worker processes (see `createSharedRateLimiter`); without it, per process.
 */
export function createRateLimiterRegistry(now: () => number = Date.now, shared?: SharedRateBudget): RateLimiterRegistry {
  const limiters = new Map<string, { key: string; limiter: RateLimiter }>();
  return {
    forSource(source, config) {
      const key = `${config.requestsPerSecond ?? ''}|${config.maxConcurrency ?? ''}|${config.maxInlineWaitMs ?? ''}`;
      let entry = limiters.get(source);
      if (!entry || entry.key !== key) {
        const local = createRateLimiter(config, now);
        entry = { key, limiter: shared ? createSharedRateLimiter(local, shared, source, config, now) : local };
        limiters.set(source, entry);
      }
      return entry.limiter;
    },
  };
}

/** A limiter for one source. */
export function createRateLimiter(config: Pick<RateLimitConfig, 'requestsPerSecond' | 'maxConcurrency'>, now: () => number = Date.now): RateLimiter {
  const spacingMs = config.requestsPerSecond ? 1000 / config.requestsPerSecond : 0;
  const maxInFlight = config.maxConcurrency ?? Number.POSITIVE_INFINITY;
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  let nextSlotAt = 0;
  let pausedUntil = 0;

  async function acquire(): Promise<void> {
    if (inFlight >= maxInFlight) await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight++;
    // Callers woken together re-check: the first takes the slot, the others sleep again.
    for (;;) {
      const t = now();
      const startAt = Math.max(t, nextSlotAt, pausedUntil);
      if (startAt <= t) {
        nextSlotAt = t + spacingMs;
        return;
      }
      await sleep(startAt - t);
    }
  }

  function release(): void {
    inFlight--;
    waiting.shift()?.();
  }

  return {
    async run(send, stats) {
      const started = now();
      await acquire();
      if (stats) stats.waitedMs += now() - started;
      try {
        return await send();
      } finally {
        release();
      }
    },
    pauseUntil(epochMs) {
      pausedUntil = Math.max(pausedUntil, epochMs);
    },
    pausedForMs: () => Math.max(0, pausedUntil - now()),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
