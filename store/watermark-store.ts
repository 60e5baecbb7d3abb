import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import type { StreamRunKey } from './staging/staging-store.js';

/** A stream's stored watermark, or undefined before its first successful incremental run. */
export async function readWatermark(db: Kysely<Database>, source: string, stream: string): Promise<string | undefined> {
  const row = await db.selectFrom('tributary.watermark').select('value').where('source', '=', source).where('stream', '=', stream).executeTakeFirst();
  return row?.value;
}

/**
 * Fixes the incremental start of a stream for a run: the first call stores `start`, every later
 * call (next chunk, retried attempt) gets the stored one, so one run never mixes two starts.
 */
export async function pinRunStart(db: Kysely<Database>, key: StreamRunKey, start: string | null): Promise<string | null> {
  await db
    .insertInto('tributary.fetch_cursor')
    .values({ run_id: key.runId, source: key.source, stream: key.stream, start_value: start, max_value: null, updated_at: new Date() })
    .onConflict((oc) => oc.columns(['run_id', 'source', 'stream']).doNothing())
    .execute();
  const row = await readRunCursor(db, key);
  return row?.start_value ?? null;
}

/** The highest cursor value a run has seen for a stream so far. */
export async function readRunCursorMax(db: Kysely<Database>, key: StreamRunKey): Promise<string | null> {
  return (await readRunCursor(db, key))?.max_value ?? null;
}

/** A stream's cursor row of a run (its pinned start and highest value seen), if any. */
function readRunCursor(db: Kysely<Database>, key: StreamRunKey) {
  return db
    .selectFrom('tributary.fetch_cursor')
    .select(['start_value', 'max_value'])
    .where('run_id', '=', key.runId)
    .where('source', '=', key.source)
    .where('stream', '=', key.stream)
    .executeTakeFirst();
}

/**
 * Records the highest cursor seen after a staged page. Written after the page's own transaction:
 * a crash in between only leaves the maximum lower, so the next run re-reads a little, never skips.
 */
export async function recordRunCursorMax(db: Kysely<Database>, key: StreamRunKey, max: string): Promise<void> {
  await db
    .updateTable('tributary.fetch_cursor')
    .set({ max_value: max, updated_at: new Date() })
    .where('run_id', '=', key.runId)
    .where('source', '=', key.source)
    .where('stream', '=', key.stream)
    .execute();
}

/** Stores a stream's new watermark (the caller decided it is an advance). */
export async function writeWatermark(db: Kysely<Database>, entry: { source: string; stream: string; value: string; runId: string }): Promise<void> {
  await db
    .insertInto('tributary.watermark')
    .values({ source: entry.source, stream: entry.stream, value: entry.value, run_id: entry.runId, updated_at: new Date() })
    .onConflict((oc) => oc.columns(['source', 'stream']).doUpdateSet({ value: entry.value, run_id: entry.runId, updated_at: new Date() }))
    .execute();
}
