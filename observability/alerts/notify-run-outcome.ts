import type { Kysely } from 'kysely';
import type { TributaryConfig } from '../../config/tributary-config.js';
import type { Database } from '../../store/database-schema.js';
import { loadFreshness } from '../load-freshness.js';
import type { AlertDispatcher, DispatchResult } from './alert-dispatcher.js';
import { type RunOutcome, runConditions, staleConditions } from './run-conditions.js';

/**
 * After a run finished: alerts for a failed or degraded run and for each failing source, and
 * (re-)evaluates the freshness of the pipeline's sources so stale ones alert too and fresh
 * ones resolve. Everything is de-duplicated by the dispatcher.
 */
export async function notifyRunOutcome(
  deps: { db: Kysely<Database>; config: TributaryConfig; dispatcher: AlertDispatcher },
  run: RunOutcome,
  now = new Date(),
): Promise<DispatchResult> {
  const freshness = (await loadFreshness(deps.db, deps.config, now)).filter((f) => f.pipeline === run.pipeline);
  return deps.dispatcher.dispatch([...runConditions(run), ...staleConditions(freshness)], now);
}

/**
 * Checks every source's freshness every `intervalMs` (default 60 s), so a source goes stale
 * (and alerts) even when no run finishes at all — a stopped schedule, a dead worker.
 * Returns a stop function.
 */
export function watchFreshness(deps: { db: Kysely<Database>; config: TributaryConfig; dispatcher: AlertDispatcher; onError?: (err: Error) => void }, intervalMs = 60_000): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await deps.dispatcher.dispatch(staleConditions(await loadFreshness(deps.db, deps.config)));
    } catch (err) {
      deps.onError?.(err as Error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
