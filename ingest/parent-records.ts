import { parseJsonExact } from '../core/exact-json.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { ParentRecords } from '../connectors/fan-out-reader.js';
import type { Database } from '../store/database-schema.js';
import { stagedStreamId } from '../store/staged-stream.js';
import type { StreamRunKey } from '../store/staging-store.js';

/** How long a read waits for the next parent record of a parent stream still being fetched. */
export const PARENT_WAIT_MS = 20_000;

/** How often a waiting read looks for it. */
const PARENT_POLL_MS = 200;

/**
 * A parent stream's records staged in the same run, in staging order (the staged row id), for
 * fanning out a child stream. The position is the row id, so a resumed child continues with
 * the same parent. The parent stream may still be fetching: when its staged records run out
 * before its checkpoint says it is done, a read waits (up to `waitMs`) for the next one and
 * otherwise answers `'pending'`; `signal` (the activity's cancellation) ends the wait.
 */
export function stagedParentRecords(db: Kysely<Database>, parent: StreamRunKey, opts: { waitMs?: number; signal?: AbortSignal } = {}): ParentRecords {
  const parentDone = async () => (await db.selectFrom('tributary.fetch_checkpoint').select('done').where('run_id', '=', parent.runId).where('source', '=', parent.source).where('stream', '=', parent.stream).executeTakeFirst())?.done === true;
  const base = () =>
    db
      .selectFrom('tributary.staged_record')
      .select(['id', 'payload'])
      .where('stream_id', '=', stagedStreamId(parent));
  return {
    async at(position) {
      const row = await base().where('id', '=', position).executeTakeFirst();
      return row ? { position: String(row.id), record: parseJsonExact(row.payload) } : undefined;
    },
    async positionsAfter(position, count) {
      const rows = await db
        .selectFrom('tributary.staged_record')
        .select('id')
        .where('stream_id', '=', stagedStreamId(parent))
        .where('id', '>', position)
        .orderBy('id')
        .limit(count)
        .execute();
      return rows.map((r) => String(r.id));
    },
    async after(position, { wait = true } = {}) {
      const next = async () => {
        const row = await base().where('id', '>', position).orderBy('id').limit(1).executeTakeFirst();
        return row ? { position: String(row.id), record: parseJsonExact(row.payload) } : undefined;
      };
      const deadline = Date.now() + (wait ? (opts.waitMs ?? PARENT_WAIT_MS) : 0);
      for (;;) {
        const found = await next();
        if (found) return found;
        // The last page commits with the checkpoint that says done: once done, nothing more comes.
        if (await parentDone()) return (await next()) ?? undefined;
        if (Date.now() >= deadline) return 'pending';
        opts.signal?.throwIfAborted();
        await sleep(PARENT_POLL_MS);
      }
    },
  };
}
