import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import type { SharedRateBudget } from '../connectors/rate-limit/shared-rate-limiter.js';
import type { Database } from './database-schema.js';
import type { CopyPool } from './staging/stage-page-copy.js';

/**
 * The shared request budget in Postgres, for `createSharedRateLimiter`:
 *
 * - **concurrency slots** are session advisory locks `(hashtext('tributary:source:' || source), slot)`
 *   taken on one connection this process keeps: a worker that dies (or loses its connection)
 *   frees its slots at once, with no lease to expire;
 * - **start times** are reserved with one upsert on `tributary.source_budget`, spacing the
 *   source's requests across all workers and after its pause:
 *
 * ```sql
 * insert into tributary.source_budget as b (source, next_at) values ($1, clock_timestamp() + $2)
 * on conflict (source) do update
 *   set next_at = greatest(b.next_at, clock_timestamp(), coalesce(b.paused_until, '-infinity')) + $2
 * returning next_at - $2 - clock_timestamp() as wait, paused_until
 * ```
 */
export function createPgRateBudget(db: Kysely<Database>, pool: CopyPool): SharedRateBudget {
  // The connection holding this process's slots, and the slots it holds per source.
  let holder: Promise<pg.PoolClient> | undefined;
  let held = new Map<string, Set<number>>();
  const connection = (): Promise<pg.PoolClient> => {
    if (!holder) {
      holder = pool.connect().then((client) => {
        client.on('error', () => {
          // The server ended the session, and its locks with it: forget them, connect again on next use.
          client.release(true);
          holder = undefined;
          held = new Map();
        });
        return client;
      });
      // A failed connect is tried again by the next lease.
      holder.catch(() => {
        holder = undefined;
      });
    }
    return holder;
  };

  // One lease attempt at a time: each must see the slots the previous one took (locks are re-entrant).
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(op: () => Promise<T>): Promise<T> => {
    const run = queue.then(op, op);
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    tryLease: (source, slots) => serially(async () => {
      const client = await connection();
      const mine = held.get(source) ?? new Set<number>();
      // Session locks are re-entrant: slots this process holds are excluded before any lock is tried (offset 0 keeps the filter first).
      const { rows } = await client.query<{ slot: number }>(
        `select s as slot from (select s from generate_series(0, $2::int - 1) as s where s <> all($3::int[]) offset 0) free
         where pg_try_advisory_lock(hashtext('tributary:source:' || $1), s) limit 1`,
        [source, slots, [...mine]],
      );
      const slot = rows[0]?.slot;
      if (slot === undefined) return undefined;
      mine.add(slot);
      held.set(source, mine);
      return slot;
    }),
    async releaseLease(source, slot) {
      const mine = held.get(source);
      if (!mine?.delete(slot)) return;
      const client = await connection();
      await client.query(`select pg_advisory_unlock(hashtext('tributary:source:' || $1), $2)`, [source, slot]);
    },
    async reserve(source, spacingMs) {
      const spacing = sql`make_interval(secs => ${spacingMs}::float8 / 1000)`;
      const { rows } = await sql<{ wait_ms: number; paused_ms: number | null }>`
        insert into tributary.source_budget as b (source, next_at) values (${source}, clock_timestamp() + ${spacing})
        on conflict (source) do update
          set next_at = greatest(b.next_at, clock_timestamp(), coalesce(b.paused_until, '-infinity'::timestamptz)) + ${spacing}
        returning extract(epoch from (b.next_at - clock_timestamp()))::float8 * 1000 - ${spacingMs}::float8 as wait_ms,
                  extract(epoch from b.paused_until)::float8 * 1000 as paused_ms`.execute(db);
      const row = rows[0]!;
      return { waitMs: Math.max(0, row.wait_ms), pausedUntil: row.paused_ms ?? 0 };
    },
    async close() {
      const client = holder && (await holder.catch(() => undefined));
      holder = undefined;
      held = new Map();
      // Ending the session frees its advisory locks; the pool can then end too.
      client?.release(true);
    },
    async pause(source, epochMs) {
      await sql`
        insert into tributary.source_budget as b (source, paused_until) values (${source}, to_timestamp(${epochMs}::float8 / 1000))
        on conflict (source) do update set paused_until = greatest(coalesce(b.paused_until, '-infinity'::timestamptz), excluded.paused_until)`.execute(db);
    },
  };
}
