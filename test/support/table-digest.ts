import { type Kysely, sql } from 'kysely';

/**
 * Columns that say when or by which run a row was written or fetched, not what it holds: left
 * out when two databases (or two runs of one) are compared. `_hash` covers the provenance, whose
 * times are those of the fetch.
 */
export const RUN_COLUMNS = ['_last_changed', '_deleted_at', '_last_run_id', 'run_id', 'last_run_id', 'merged_at', 'updated_at', 'deleted_run_id', 'last_seen', 'first_seen', '_first_seen', 'created_at', 'fetched_at', '_hash'];

/** Keys of nested JSON (provenance) whose values are fetch or merge times, stripped before comparing. */
const TIME_KEYS = '"(at|fetchedAt|mergedAt)": "[^"]*"';

/**
 * A digest of every row of each table, `RUN_COLUMNS`, nested times and `ignore` left out, order-independent:
 * equal digests mean equal contents. Tables that do not exist digest as `absent`.
 */
export async function tableDigests<DB>(db: Kysely<DB>, tables: readonly string[], ignore: readonly string[] = []): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const drop = [...RUN_COLUMNS, ...ignore];
  for (const table of tables) {
    const [schema, name] = table.split('.') as [string, string];
    const exists = await sql<{ t: string | null }>`select to_regclass(${`${schema}.${name}`})::text as t`.execute(db);
    if (exists.rows[0]?.t == null) {
      out[table] = 'absent';
      continue;
    }
    const digest = await sql<{ d: string; n: number }>`
      select md5(coalesce(string_agg(x.j, '|' order by x.j), '')) as d, count(*)::int as n
      from (select regexp_replace((to_jsonb(t) - ${drop}::text[])::text, ${TIME_KEYS}, '', 'g') as j from ${sql.id(schema, name)} t) x`.execute(db);
    out[table] = `${digest.rows[0]!.n} rows ${digest.rows[0]!.d}`;
  }
  return out;
}

/** The tables a merge writes, for `tableDigests`: entity tables, contributions, identities, seen marks and watermarks. */
export async function mergedTables<DB>(db: Kysely<DB>): Promise<string[]> {
  const entity = await sql<{ t: string }>`select 'unified.' || tablename as t from pg_tables where schemaname = 'unified' order by 1`.execute(db);
  return [...entity.rows.map((r) => r.t), 'tributary.source_record', 'tributary.identity_link', 'tributary.entity_redirect', 'tributary.entity_seen', 'tributary.watermark', 'tributary.parent_state'];
}
