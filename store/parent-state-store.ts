import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { IncrementalConfig } from '../config/sources/incremental-config.js';
import type { Database } from './database-schema.js';
import type { StreamRunKey } from './staging/staging-store.js';

/** A parent whose children a page was fetched for, and the highest child cursor on that page. */
export interface FetchedParent {
  readonly parentKey: string;
  readonly parentHash: string;
  readonly max?: string | undefined;
}

/** `a > b` for two stored cursor values of a type (numbers and timestamps compared as such). */
function greater(a: RawBuilder<unknown>, b: RawBuilder<unknown>, type: IncrementalConfig['cursorType'] | undefined): RawBuilder<boolean> {
  if (type === 'number') return sql<boolean>`${a}::numeric > ${b}::numeric`;
  if (type === 'timestamp') return sql<boolean>`${a}::timestamptz > ${b}::timestamptz`;
  return sql<boolean>`${a} collate "C" > ${b} collate "C"`;
}

/** The greater of a stored value and a new one, either possibly null. */
function keepMax(stored: RawBuilder<unknown>, incoming: RawBuilder<unknown>, type: IncrementalConfig['cursorType'] | undefined): RawBuilder<string | null> {
  return sql<string | null>`case when ${incoming} is null then ${stored} when ${stored} is null then ${incoming} when ${greater(incoming, stored, type)} then ${incoming} else ${stored} end`;
}

/**
 * Records the parents whose child pages a run staged (after the pages' own transaction: a crash
 * in between leaves a parent unrecorded, so the next run fetches its children again, never fewer).
 * One entry per parent key (the caller folds several pages of one parent into one).
 */
export async function recordFetchedParents(db: Kysely<Database>, key: StreamRunKey, type: IncrementalConfig['cursorType'] | undefined, parents: readonly FetchedParent[]): Promise<void> {
  if (parents.length === 0) return;
  const keys = parents.map((p) => p.parentKey);
  await sql`
    insert into tributary.fetch_parent as f (run_id, source, stream, parent_key, parent_hash, max_value)
    select ${key.runId}, ${key.source}, ${key.stream}, k, h, m
    from unnest(${keys}::text[], ${parents.map((p) => p.parentHash)}::text[], ${parents.map((p) => p.max ?? null)}::text[]) as t(k, h, m)
    on conflict (run_id, source, stream, parent_key) do update
      set parent_hash = excluded.parent_hash, max_value = ${keepMax(sql`f.max_value`, sql`excluded.max_value`, type)}`.execute(db);
}

/**
 * Moves a run's fetched parents into the child stream's per-parent state (the new hash; the
 * watermark never moves back). Called after the run's merge committed; idempotent. Returns how
 * many parents it touched.
 */
export async function commitParentStates(db: Kysely<Database>, key: StreamRunKey, type: IncrementalConfig['cursorType'] | undefined): Promise<number> {
  const result = await sql`
    insert into tributary.parent_state as s (source, stream, parent_key, parent_hash, watermark, run_id, updated_at)
    select source, stream, parent_key, parent_hash, max_value, run_id, now() from tributary.fetch_parent
    where run_id = ${key.runId} and source = ${key.source} and stream = ${key.stream}
    on conflict (source, stream, parent_key) do update
      set parent_hash = excluded.parent_hash, watermark = ${keepMax(sql`s.watermark`, sql`excluded.watermark`, type)}, run_id = excluded.run_id, updated_at = excluded.updated_at`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
