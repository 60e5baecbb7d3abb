import type { Kysely } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import type { Database } from '../store/database-schema.js';
import { commitParentStates } from '../store/parent-state-store.js';
import { readRunCursorMax, readWatermark, writeWatermark } from '../store/watermark-store.js';
import { maxCursor } from './incremental.js';

/** A watermark a run moved forward. */
export interface AdvancedWatermark {
  readonly source: string;
  readonly stream: string;
  readonly from: string | null;
  readonly to: string;
  /** For a child stream with per-parent state: how many parents' state the run moved on (`from`/`to` are then empty). */
  readonly parents?: number;
}

/**
 * Advances the watermarks of a run's incremental streams to the highest cursor value the run
 * fetched. Called only after the run's merge committed, so a failure anywhere before leaves the
 * old watermark and the next run fetches the same data again. Never moves a watermark back;
 * idempotent (a retry finds nothing left to advance). A child stream with per-parent state
 * (incremental, or `parent.onlyChanged`) moves each fetched parent's state on instead.
 */
export async function commitWatermarks(db: Kysely<Database>, config: TributaryConfig, input: { runId: string; streams: ReadonlyArray<{ source: string; stream: string }> }): Promise<AdvancedWatermark[]> {
  const advanced: AdvancedWatermark[] = [];
  for (const { source, stream } of input.streams) {
    const streamConfig = config.sources[source]?.streams[stream];
    const incremental = streamConfig?.incremental;
    const parent = streamConfig && 'parent' in streamConfig ? streamConfig.parent : undefined;
    if (parent && (incremental || parent.onlyChanged)) {
      const parents = await commitParentStates(db, { runId: input.runId, source, stream }, incremental?.cursorType);
      if (parents > 0) advanced.push({ source, stream, from: null, to: '', parents });
      continue;
    }
    if (!incremental) continue;
    const seen = await readRunCursorMax(db, { runId: input.runId, source, stream });
    if (seen === null) continue;
    const current = await readWatermark(db, source, stream);
    const next = maxCursor(current, seen, incremental.cursorType)!;
    if (next === current) continue;
    await writeWatermark(db, { source, stream, value: next, runId: input.runId });
    advanced.push({ source, stream, from: current ?? null, to: next });
  }
  return advanced;
}
