import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database-schema.js';

// Return int8 (bigserial ids, counts) as strings only where they may exceed 2^53; counts are parsed by callers.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => v);

/** A Kysely instance over a pg pool for `url`. Call `destroy()` when done. */
export function createDatabase(url: string, opts: { max?: number; applicationName?: string } = {}): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, application_name: opts.applicationName ?? 'tributary' });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
