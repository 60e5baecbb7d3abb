import pg from 'pg';

/** Runs `fn` with a short-lived connection to `url`. */
export async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'tributary-bench' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops and recreates database `name` on the server of `adminUrl` (the bench's per-system databases). */
export async function recreateDatabase(adminUrl: string, name: string): Promise<void> {
  await dropDatabase(adminUrl, name);
  await withPg(adminUrl, (c) => c.query(`create database "${name}"`));
}

/** Drops database `name` (if it exists) on the server at `adminUrl`, closing its connections. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withPg(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`));
}

/**
 * Rows inserted, updated and deleted so far in the user tables of `url`'s database. Backends
 * report their counts when they exit or go idle, so call this after the measured processes'
 * connections closed; it waits until two reads agree.
 */
export async function rowsWritten(url: string): Promise<number> {
  return withPg(url, async (c) => {
    let last = -1;
    for (let i = 0; i < 20; i++) {
      const { rows } = await c.query<{ n: string }>(`select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint::text as n from pg_stat_user_tables`);
      const n = Number(rows[0]!.n);
      if (n === last) return n;
      last = n;
      await new Promise((r) => setTimeout(r, 600));
    }
    return last;
  });
}

/** Row counts of every user table of `url`'s database, by `schema.table`. */
export async function tableRowCounts(url: string): Promise<Record<string, number>> {
  return withPg(url, async (c) => {
    const { rows } = await c.query<{ t: string }>(
      `select quote_ident(schemaname) || '.' || quote_ident(relname) as t from pg_stat_user_tables where schemaname not like 'pg_temp%' order by 1`,
    );
    const out: Record<string, number> = {};
    for (const { t } of rows) out[t] = Number((await c.query<{ n: string }>(`select count(*)::text as n from ${t}`)).rows[0]!.n);
    return out;
  });
}

/** One statement's totals from pg_stat_statements. */
export interface StatementStats {
  readonly query: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  readonly rows: number;
}

/** Empties pg_stat_statements (creating the extension in `url`'s database on first use). */
export async function resetStatements(url: string): Promise<void> {
  await withPg(url, async (c) => {
    await c.query('create extension if not exists pg_stat_statements');
    await c.query('select pg_stat_statements_reset()');
  });
}

/** The `limit` statements of `url`'s database with the most execution time since the last reset. */
export async function topStatements(url: string, limit = 15): Promise<StatementStats[]> {
  return withPg(url, async (c) => {
    const { rows } = await c.query<{ query: string; calls: string; total: number; mean: number; rows: string }>(
      `select regexp_replace(query, '\\s+', ' ', 'g') as query, calls::text, total_exec_time as total, mean_exec_time as mean, rows::text
       from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
       order by total_exec_time desc limit $1`,
      [limit],
    );
    return rows.map((r) => ({ query: r.query.slice(0, 400), calls: Number(r.calls), totalMs: r.total, meanMs: r.mean, rows: Number(r.rows) }));
  });
}

/** Restarts-free check whether the server preloads pg_stat_statements. */
export async function preloadsStatements(url: string): Promise<boolean> {
  return withPg(url, async (c) => (await c.query<{ v: string }>("select current_setting('shared_preload_libraries') as v")).rows[0]!.v.includes('pg_stat_statements'));
}
