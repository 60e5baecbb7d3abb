import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/database-schema.js';

/** A mapped source record, keyed and hashed, ready to store as a contribution. */
export interface ContributionRow {
  readonly source_key: string;
  readonly entity_key: string;
  readonly values: Record<string, unknown>;
  readonly source_updated_at: string | null;
  readonly fetched_at: string;
  readonly hash: string;
}

/**
 * Upserts a batch of contributions of one stream to an entity and adds the entity keys whose
 * merge may change to the temp table `merge_affected`: the key of every new or changed
 * contribution, and the old key of a record that moved to another entity. Unchanged
 * contributions (same hash, same key) are not rewritten.
 */
export async function upsertContributions(
  trx: Kysely<Database>,
  target: { entity: string; source: string; stream: string; runId: string },
  rows: readonly ContributionRow[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await sql<{ changed: number }>`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as r(source_key text, entity_key text, "values" jsonb, source_updated_at timestamptz, fetched_at timestamptz, hash text)
    ), old as (
      select s.source_key, s.entity_key from tributary.source_record s join input i on s.source_key = i.source_key
      where s.entity = ${target.entity} and s.source = ${target.source} and s.stream = ${target.stream}
    ), up as (
      insert into tributary.source_record as s (entity, source, stream, source_key, entity_key, "values", source_updated_at, fetched_at, run_id, hash, first_seen)
      select ${target.entity}, ${target.source}, ${target.stream}, i.source_key, i.entity_key, i."values", i.source_updated_at, i.fetched_at, ${target.runId}, i.hash, i.fetched_at
      from input i
      on conflict (entity, source, stream, source_key) do update
        set entity_key = excluded.entity_key, "values" = excluded."values", source_updated_at = excluded.source_updated_at,
            fetched_at = excluded.fetched_at, run_id = excluded.run_id, hash = excluded.hash
        where s.hash is distinct from excluded.hash or s.entity_key is distinct from excluded.entity_key
      returning s.source_key, s.entity_key
    ), touched as (
      insert into merge_affected (entity_key)
      select entity_key from up
      union
      select o.entity_key from old o join up u on u.source_key = o.source_key where o.entity_key <> u.entity_key
      on conflict do nothing
    )
    select count(*)::int as changed from up`.execute(trx);
  return result.rows[0]?.changed ?? 0;
}
