import type { StreamRunKey } from './staging-types.js';

/**
 * Pages staged in this process, announced as they commit: a reader waiting for a stream's next
 * records (a child stream for its parents) wakes at once instead of at its next poll. Pages a
 * stream stages in another worker process are found by the poll alone.
 */
const waiting = new Map<string, Set<() => void>>();

const idOf = (key: StreamRunKey) => `${key.runId}\u0000${key.source}\u0000${key.stream}`;

/** Wakes every wait for `key`'s next pages: some just committed. */
export function announceStaged(key: StreamRunKey): void {
  const wakers = waiting.get(idOf(key));
  if (!wakers) return;
  waiting.delete(idOf(key));
  for (const wake of wakers) wake();
}

/** Resolves when `key` stages pages in this process, after `ms` at the latest, or when `signal` aborts. */
export function stagedOrTimeout(key: StreamRunKey, ms: number, signal?: AbortSignal): Promise<void> {
  const id = idOf(key);
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      const wakers = waiting.get(id);
      wakers?.delete(done);
      if (wakers?.size === 0) waiting.delete(id);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    const wakers = waiting.get(id) ?? new Set<() => void>();
    wakers.add(done);
    waiting.set(id, wakers);
  });
}
