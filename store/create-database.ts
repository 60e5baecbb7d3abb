import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database-schema.js';

// bigint columns (entity integer fields, counts, ids) read as numbers while they fit a double
// exactly, and as strings beyond 2^53 so no digit is ever lost; numeric stays a string (exact decimals).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => v);

/** A database connection: Kysely for queries, and its pg pool for the bulk paths (COPY staging) that need raw clients. */
export interface DatabaseConnection {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
}

/** A Kysely instance over a pg pool for `url`. Call `destroy()` when done. */
export function createDatabase(url: string, opts: { max?: number; applicationName?: string } = {}): Kysely<Database> {
  return connectDatabase(url, opts).db;
}

/** Kysely and the pg pool under it for `url` (see `DatabaseConnection`); `db.destroy()` ends both. */
export function connectDatabase(url: string, opts: { max?: number; applicationName?: string } = {}): DatabaseConnection {
  // A connect that cannot finish (the server is restarting) fails after a while instead of hanging the caller.
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, application_name: opts.applicationName ?? 'tributary', connectionTimeoutMillis: 15_000 });
  // A client losing its connection (a server restart) emits 'error': while idle in the pool the
  // pool's listener takes it, while checked out (between the statements of a merge's
  // transaction, during a COPY) only a listener on the client does. Unhandled, either ends the
  // process; handled, the next statement fails, the activity is retried, and pg-pool discards
  // the broken client on release.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return { db, pool };
}

const pools = new WeakMap<Kysely<Database>, pg.Pool>();

/**
 * The pg pool under a Kysely instance `connectDatabase` made (not a transaction's), for hot read
 * paths that run a query Kysely compiled straight on the pool: Kysely's executor costs about a
 * fifth of the access API's list-page throughput.
 */
export function poolOf(db: Kysely<Database>): pg.Pool | undefined {
  return pools.get(db);
}
