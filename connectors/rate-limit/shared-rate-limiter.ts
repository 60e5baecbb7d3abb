import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimitConfig } from '../../config/sources/stream-limits.js';
import { RateLimitedError } from '../connector-error.js';
import type { RateLimiter } from './rate-limiter.js';

/**
 * A source's request budget kept where every worker process sees it (Postgres: see
 * `createPgRateBudget`): concurrency slots, the start time of the next request, and a pause.
 */
export interface SharedRateBudget {
  /** Takes a free one of the source's `slots` concurrency slots; undefined when all are taken. */
  tryLease(source: string, slots: number): Promise<number | undefined>;
  /** Gives a slot back. */
  releaseLease(source: string, slot: number): Promise<void>;
  /**
   * Reserves the start of one request of the source: after the previous reservation plus
   * `spacingMs` and after the source's pause. Answers how long to wait and until when the
   * source is paused (epoch ms; 0 when not).
   */
  reserve(source: string, spacingMs: number): Promise<{ readonly waitMs: number; readonly pausedUntil: number }>;
  /** Pauses every request of the source, in every worker, until `epochMs`. */
  pause(source: string, epochMs: number): Promise<void>;
  /** Gives back what the budget holds open (its slots' connection); a later lease opens it again. */
  close(): Promise<void>;
}

/** How long a request waits between attempts to take a concurrency slot held elsewhere. */
const LEASE_POLL_MS = { min: 5, max: 50 };

/**
 * How long a source without `requestsPerSecond` trusts the pause it last read from the budget:
 * it has no start times to reserve, so it asks at most this often instead of once per request.
 */
const PAUSE_RECHECK_MS = 1000;

/** Attempts at the shared budget before a request gives up (the activity then retries). */
const BUDGET_ATTEMPTS = 4;

/**
 * A source's limiter across worker processes: the process's own limiter first (the fast path,
 * and the cap of this process), then a concurrency slot of the source's `maxConcurrency` and a
 * start time spaced by its `requestsPerSecond` from the shared budget, so the limits hold for
 * the source as a whole however many workers fetch it. A pause (Retry-After, an exhausted
 * rate-limit header) reaches every worker through the budget; one longer than `maxInlineWaitMs`
 * ends the attempt with a retryable `RateLimitedError`, as a local pause does (a source without
 * `requestsPerSecond` reads the shared pause at most once a second). A budget that
 * cannot be reached (Postgres restarting) is retried a few times, then fails the attempt
 * retryably: the limits are never silently dropped.
 */
export function createSharedRateLimiter(local: RateLimiter, budget: SharedRateBudget, source: string, config: Pick<RateLimitConfig, 'requestsPerSecond' | 'maxConcurrency' | 'maxInlineWaitMs'>, now: () => number = Date.now): RateLimiter {
  const spacingMs = config.requestsPerSecond ? 1000 / config.requestsPerSecond : 0;
  const slots = config.maxConcurrency;
  const maxInlineWaitMs = config.maxInlineWaitMs ?? 30_000;

  const retrying = async <T>(what: string, op: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (attempt >= BUDGET_ATTEMPTS) throw new Error(`the shared request budget of source ${source} is unreachable (${what}): ${(err as Error).message}`);
        await sleep(100 * 2 ** attempt);
      }
    }
  };

  // A source with no start times to space only needs the pause: read at most every PAUSE_RECHECK_MS.
  let lastRead = { pausedUntil: 0, at: Number.NEGATIVE_INFINITY };
  const reserve = async (): Promise<{ waitMs: number; pausedUntil: number }> => {
    if (spacingMs === 0 && now() - lastRead.at < PAUSE_RECHECK_MS) return { waitMs: 0, pausedUntil: lastRead.pausedUntil };
    const reserved = await retrying('reserve', () => budget.reserve(source, spacingMs));
    lastRead = { pausedUntil: reserved.pausedUntil, at: now() };
    return reserved;
  };

  const lease = async (): Promise<number | undefined> => {
    if (slots === undefined) return undefined;
    for (let delay = LEASE_POLL_MS.min; ; delay = Math.min(LEASE_POLL_MS.max, delay * 2)) {
      const slot = await retrying('lease', () => budget.tryLease(source, slots));
      if (slot !== undefined) return slot;
      await sleep(delay / 2 + Math.random() * delay);
    }
  };

  return {
    run(send, stats) {
      return local.run(async () => {
        const started = now();
        const slot = await lease();
        try {
          const { waitMs, pausedUntil } = await reserve();
          if (pausedUntil > now()) {
            local.pauseUntil(pausedUntil);
            if (pausedUntil - now() > maxInlineWaitMs) throw new RateLimitedError(`requests to source ${source} (paused by another worker)`, pausedUntil - now());
          }
          // A reserved start already lies after the pause; a remembered pause is waited out here.
          const wait = Math.max(waitMs, pausedUntil - now());
          if (wait > 0) await sleep(wait);
          if (stats) stats.waitedMs += now() - started;
          return await send();
        } finally {
          if (slot !== undefined) await budget.releaseLease(source, slot).catch(() => undefined);
        }
      }, stats);
    },
    pauseUntil(epochMs) {
      local.pauseUntil(epochMs);
      // Best effort: this worker pauses either way, and the others learn it at their next request.
      budget.pause(source, epochMs).catch(() => undefined);
    },
    pausedForMs: () => local.pausedForMs(),
  };
}
