import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database-schema.js';
import { registerPool } from './database-pool.js';

// bigint columns (entity integer fields, counts, ids) read as numbers while they fit a double
// exactly, and as strings beyond 2^53 so no digit is ever lost; numeric stays a string (exact decimals).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => v);

/** A Kysely instance over a pg pool for `url` (reachable with `poolOf`). Call `destroy()` when done. */
export function createDatabase(url: string, opts: { max?: number; applicationName?: string } = {}): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, application_name: opts.applicationName ?? 'tributary' });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  registerPool(db, pool);
  return db;
}
