import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './errors.js';

/** Tuning for {@link waitFor}. */
export interface WaitForOptions {
  /** What is being waited for, used in the timeout message. */
  description: string;
  /** Give up after this long. */
  timeoutMs: number;
  /** First pause between attempts; doubles up to `maxIntervalMs`. */
  intervalMs?: number;
  /** Upper bound for the pause between attempts. */
  maxIntervalMs?: number;
  /**
   * Called before each attempt; throwing aborts the wait immediately. Lets a
   * caller fail fast (e.g. the server process died) instead of timing out.
   */
  bail?: () => void;
}

/**
 * Poll `attempt` until it resolves to something other than `undefined`.
 *
 * Rejections count as "not yet" so health checks can simply throw; the last
 * one is attached as `cause` of the timeout error to explain why it never
 * became ready.
 */
export async function waitFor<T>(attempt: () => Promise<T | undefined>, options: WaitForOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const maxInterval = options.maxIntervalMs ?? 500;
  let interval = options.intervalMs ?? 50;
  let lastError: unknown;
  for (;;) {
    options.bail?.();
    try {
      const result = await attempt();
      if (result !== undefined) return result;
    } catch (err) {
      lastError = err;
    }
    options.bail?.();
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new InfraError('TIMEOUT', `Timed out after ${options.timeoutMs} ms waiting for ${options.description}`, {
        cause: lastError,
      });
    }
    await sleep(Math.min(interval, remaining));
    interval = Math.min(interval * 2, maxInterval);
  }
}
