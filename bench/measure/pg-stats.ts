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
  await withPg(adminUrl, async (c) => {
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.query(`create database "${name}"`);
  });
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
