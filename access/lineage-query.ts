import { type Kysely, sql } from 'kysely';
import type { EntityConfig } from '../config/entities/entity-config.js';
import type { Database } from '../store/database-schema.js';

/** Where one field's value came from. */
export interface FieldOrigin {
  readonly value: unknown;
  /** The record that supplied it: `{ source, stream, key, at }`, or several for `union`/`sum`/`custom`. */
  readonly from: unknown;
}

/** Per field of the entity: the value and the source record(s) that supplied it (null: no source had one). */
export function fieldProvenance(entity: EntityConfig, row: Record<string, unknown>): Record<string, FieldOrigin> {
  const provenance = (row._provenance ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(entity.fields).map((f) => [f, { value: row[f] ?? null, from: provenance[f] ?? null }]));
}

/** A source record contributing to an entity, with its latest raw payload. */
export interface SourceRecordView {
  readonly source: string;
  readonly stream: string;
  readonly source_key: string;
  /** The mapped values this record contributes. */
  readonly values: unknown;
  readonly source_updated_at: Date | null;
  readonly fetched_at: Date;
  readonly run_id: string;
  /** Set when upstream deleted the record (its contribution is withdrawn). */
  readonly deleted_at: Date | null;
  /** The record as the API returned it, as last fetched (for a child, its parent record). */
  readonly raw: unknown;
  readonly raw_fetched_at: Date | null;
}

/**
 * The source records of one entity, from `tributary.source_record`, each joined to its newest
 * raw payload: the latest one the merge took in (`tributary.latest_record`, kept past retention)
 * or a newer staged one (a child's is its parent record's; `raw` is null only for records merged
 * before latest payloads were kept, once retention pruned them).
 *
 * ```sql
 * select sr.source, sr.stream, sr.source_key, sr.values, ..., raw.payload as raw
 * from tributary.source_record sr
 * left join lateral (select payload::json, fetched_at from (latest_record's staged row union all
 *   the newest staged row of the same source, stream and key) x order by fetched_at desc limit 1) raw on true
 * where sr.entity = $1 and sr.entity_key = $2
 * ```
 */
export async function sourceRecords(db: Kysely<Database>, entity: string, key: string): Promise<SourceRecordView[]> {
  const { rows } = await sql<SourceRecordView>`
    select sr.source, sr.stream, sr.source_key, sr.values, sr.source_updated_at, sr.fetched_at, sr.run_id, sr.deleted_at,
      raw.payload as raw, raw.fetched_at as raw_fetched_at
    from tributary.source_record sr
    left join lateral (
      -- Staged payloads are JSON text: cast so the view shows the record, not a string. The latest
      -- payload the merge took in outlives retention; a newer fetch not merged yet shows too.
      select x.payload::json as payload, x.fetched_at from (
        (select st.payload, st.fetched_at from tributary.latest_record l
          join tributary.staged_record st on st.stream_id = l.staged_stream_id and st.id = l.staged_id
          where l.source = sr.source and l.stream = sr.stream and l.source_key = coalesce(sr.parent_source_key, sr.source_key))
        union all
        (select st.payload, st.fetched_at from tributary.fetch_checkpoint c
          join tributary.staged_record st on st.stream_id = c.stream_id and st.source_key = coalesce(sr.parent_source_key, sr.source_key)
          where c.source = sr.source and c.stream = sr.stream
          order by st.fetched_at desc limit 1)
      ) x order by x.fetched_at desc limit 1
    ) raw on true
    where sr.entity = ${entity} and sr.entity_key = ${key}
    order by sr.source, sr.stream, sr.source_key`.execute(db);
  return rows;
}
