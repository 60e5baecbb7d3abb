import { parseJsonExact } from '../core/exact-json.js';
import type { Kysely } from 'kysely';
import type { ParentRecord, ParentRecords } from '../connectors/fan-out-reader.js';
import type { Database } from '../store/database-schema.js';
import { stagedOrTimeout } from '../store/staging/staged-events.js';
import { stagedStreamId } from '../store/staging/staged-stream.js';
import type { StreamRunKey } from '../store/staging/staging-store.js';

/** How long a read waits for the next parent record of a parent stream still being fetched. */
export const PARENT_WAIT_MS = 20_000;

/** Parent records a reader keeps from its last reads (a few waves of requests at the highest concurrency). */
const RECENT_PARENTS = 512;

/**
 * How often a waiting read looks for it, when no page staged in this process wakes it first (the
 * parent stream fetched by another worker): soon at first, then up to every 200 ms.
 */
const PARENT_POLL_MS = { first: 25, max: 200 } as const;

/**
 * A parent stream's records staged in the same run, in staging order (the staged row id), for
 * fanning out a child stream. The position is the row id, so a resumed child continues with
 * the same parent. The parent stream may still be fetching: when its staged records run out
 * before its checkpoint says it is done, a read waits (up to `waitMs`) for the next one and
 * otherwise answers `'pending'`; `signal` (the activity's cancellation) ends the wait.
 */
export function stagedParentRecords(
  db: Kysely<Database>,
  parent: StreamRunKey,
  opts: {
    waitMs?: number;
    signal?: AbortSignal;
    /** The child stream, whose per-parent state (`parent_state`) each parent comes with; `onlyChanged` leaves out parents whose record is as it was when their children were last fetched. */
    child?: { readonly stream: string; readonly onlyChanged: boolean };
  } = {},
): ParentRecords {
  const parentDone = async () => (await db.selectFrom('tributary.fetch_checkpoint').select('done').where('run_id', '=', parent.runId).where('source', '=', parent.source).where('stream', '=', parent.stream).executeTakeFirst())?.done === true;
  const child = opts.child;
  // Each parent with its child's state; `unchanged: 'skip'` leaves out parents whose record is as it was (onlyChanged).
  const staged = (unchanged: 'skip' | 'keep' = child?.onlyChanged ? 'skip' : 'keep') => {
    const q = db
      .selectFrom('tributary.staged_record as r')
      .leftJoin('tributary.parent_state as ps', (join) =>
        join
          .on('ps.source', '=', parent.source)
          .on('ps.stream', '=', child?.stream ?? '')
          .onRef('ps.parent_key', '=', 'r.source_key'),
      )
      .where('r.stream_id', '=', stagedStreamId(parent));
    return unchanged === 'skip' ? q.where((eb) => eb.or([eb('ps.parent_hash', 'is', null), eb('ps.parent_hash', '!=', eb.ref('r.hash'))])) : q;
  };
  const base = (unchanged?: 'skip' | 'keep') => staged(unchanged).select(['r.id', 'r.payload', 'r.source_key', 'r.hash', 'ps.watermark']);
  const toRecord = (row: { id: string; payload: string; source_key: string; hash: string; watermark: string | null }): ParentRecord => ({
    position: String(row.id),
    record: parseJsonExact(row.payload),
    key: row.source_key,
    hash: row.hash,
    watermark: row.watermark,
  });
  // Parents read lately, by position, each with the position staged right after it when they were
  // read together: a child's requests (`at`) and the step to the next parent (`after`) then need
  // no query. A query per child request, on a pool busy staging, held each wave of requests back.
  const recent = new Map<string, { record: ParentRecord; next?: string }>();
  const remember = (record: ParentRecord, previous?: string): ParentRecord => {
    if (!recent.has(record.position)) {
      recent.set(record.position, { record });
      if (recent.size > RECENT_PARENTS) recent.delete(recent.keys().next().value!);
    }
    const before = previous === undefined ? undefined : recent.get(previous);
    if (before) before.next = record.position;
    return record;
  };
  return {
    async at(position) {
      const known = recent.get(position);
      if (known) return known.record;
      // A position handed out before stays readable, whatever `onlyChanged` says now.
      const row = await base('keep').where('r.id', '=', position).executeTakeFirst();
      return row ? remember(toRecord(row)) : undefined;
    },
    async positionsAfter(position, count) {
      const rows = await base().where('r.id', '>', position).orderBy('r.id').limit(count).execute();
      let previous = position;
      // Each take of a page asks again for the parents after it: those read before are not parsed again.
      return rows.map((r) => (previous = remember(recent.get(String(r.id))?.record ?? toRecord(r), previous).position));
    },
    async after(position, { wait = true } = {}) {
      const following = recent.get(position)?.next;
      const known = following === undefined ? undefined : recent.get(following);
      if (known) return known.record;
      const next = async () => {
        const row = await base().where('r.id', '>', position).orderBy('r.id').limit(1).executeTakeFirst();
        return row ? toRecord(row) : undefined;
      };
      const deadline = Date.now() + (wait ? (opts.waitMs ?? PARENT_WAIT_MS) : 0);
      for (let poll: number = PARENT_POLL_MS.first; ; poll = Math.min(2 * poll, PARENT_POLL_MS.max)) {
        const found = await next();
        if (found) return found;
        // The last page commits with the checkpoint that says done: once done, nothing more comes.
        if (await parentDone()) return (await next()) ?? undefined;
        if (Date.now() >= deadline) return 'pending';
        opts.signal?.throwIfAborted();
        // Woken at once by a parent page staged in this process; a poll finds one staged elsewhere.
        await stagedOrTimeout(parent, poll, opts.signal);
      }
    },
  };
}
