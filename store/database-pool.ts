import type { Kysely } from 'kysely';
import type pg from 'pg';

// Kysely has no public way to reach its pool, so `createDatabase` records it here.
const pools = new WeakMap<Kysely<unknown>, pg.Pool>();

/** Records `pool` as the pool behind `db`, so bulk paths (COPY) can take a raw client from it. */
export function registerPool<DB>(db: Kysely<DB>, pool: pg.Pool): void {
  pools.set(db as Kysely<unknown>, pool);
}

/** The pg pool behind `db` when `createDatabase` made it; undefined for other Kysely instances (and transactions). */
export function poolOf<DB>(db: Kysely<DB>): pg.Pool | undefined {
  return pools.get(db as Kysely<unknown>);
}
