import { type CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from '../database-schema.js';
import { SEEN_ON_CONFLICT, SEEN_PRECISION } from '../entity-seen.js';
import type { StagedRow } from './staging-statements.js';
import type { StreamRunKey } from './staging-types.js';

/**
 * What a fetch compares its records with to stage only the changed ones: the fingerprint of the
 * stream's mappings (`streamFingerprint`) and the entities that map the stream.
 */
export interface ChangeFilter {
  readonly fingerprint: string;
  readonly entities: readonly string[];
}

/**
 * The statement, run in a group's staging transaction, that finds the group's records the last
 * merge already took in as they are: the same payload hash under the same mappings, settled (not
 * in quarantine), and not staged earlier in this run (a record fetched twice keeps the run's
 * `duplicates` policy). Their entities are marked seen on the way, at most once per
 * `SEEN_PRECISION` per record. Returns their keys; the caller stages the others.
 * Compiled, so a Kysely transaction and a raw pg client run the same SQL.
 *
 * ```sql
 * with g as (select * from json_to_recordset($1) as g(k text, h text)),
 * same as (select g.k from g, lateral (select ... from tributary.latest_record l where l.source = $2 and l.stream = $3 and l.source_key = g.k) l
 *          where l.hash = g.h and l.fingerprint = $4 and l.settled and not exists (... staged_record of this fetch ...)),
 * seen as (insert into tributary.entity_seen ... from source_record of the unchanged keys whose seen mark is an hour old ...)
 * select k from same
 * ```
 */
export function unchangedRecordsQuery(db: Kysely<Database>, key: StreamRunKey, streamId: number, rows: readonly StagedRow[], filter: ChangeFilter): CompiledQuery<{ k: string }> {
  const group = JSON.stringify(rows.map((r) => ({ k: r.record.sourceKey, h: r.record.hash })));
  const at = new Date(Math.max(...rows.map((r) => r.fetchedAt.getTime()))).toISOString();
  const stream = sql`s.source = ${key.source} and s.stream = ${key.stream} and s.entity = any(${filter.entities}::text[]) and s.deleted_at is null`;
  // Every join probes an index per record (`offset 0` keeps each lateral subquery a probe): the
  // tables may have no statistics yet, and a hash join would read all of them for every group.
  return sql<{ k: string }>`
    with g as (select g.k, g.h from json_to_recordset(${group}::json) as g(k text, h text)),
    same as materialized (
      select g.k, l.seen_at from g
      cross join lateral (
        select l.hash, l.fingerprint, l.settled, l.seen_at from tributary.latest_record l
        where l.source = ${key.source} and l.stream = ${key.stream} and l.source_key = g.k offset 0) l
      where l.hash = g.h and l.fingerprint = ${filter.fingerprint} and l.settled
        and not exists (select 1 from tributary.staged_record r where r.stream_id = ${streamId} and r.source_key = g.k offset 0)
    ),
    due as materialized (select k from same where seen_at + ${SEEN_PRECISION} <= ${at}::timestamptz),
    seen as (
      insert into tributary.entity_seen as e (entity, entity_key, last_seen, last_run_id)
      select x.entity, x.entity_key, ${at}::timestamptz, ${key.runId} from (
        select s.entity, s.entity_key from due cross join lateral (select s.entity, s.entity_key from tributary.source_record s where ${stream} and s.source_key = due.k offset 0) s
        union
        select s.entity, s.entity_key from due cross join lateral (select s.entity, s.entity_key from tributary.source_record s where ${stream} and s.parent_source_key = due.k offset 0) s
      ) x order by x.entity, x.entity_key
      ${SEEN_ON_CONFLICT}
    ),
    touched as (
      update tributary.latest_record l set seen_at = ${at}::timestamptz from due
      where l.source = ${key.source} and l.stream = ${key.stream} and l.source_key = due.k
    )
    select k from same`.compile(db);
}

/** Runs a compiled statement on the staging transaction's connection (a Kysely transaction or a raw pg client) and returns its rows. */
export type RunCompiled = <R>(query: CompiledQuery<R>) => Promise<readonly R[]>;

/**
 * The group's rows the last merge did not take in as they are (all of them without a filter);
 * the others are counted in the fetch's checkpoint (`unchanged`) and their entities marked seen.
 * Run it in the staging transaction, after the checkpoint advanced.
 */
export async function withoutUnchanged(run: RunCompiled, db: Kysely<Database>, key: StreamRunKey, streamId: number, rows: readonly StagedRow[], filter: ChangeFilter | undefined): Promise<readonly StagedRow[]> {
  if (!filter || rows.length === 0) return rows;
  const same = new Set((await run(unchangedRecordsQuery(db, key, streamId, rows, filter))).map((r) => r.k));
  if (same.size === 0) return rows;
  await run(sql`update tributary.fetch_checkpoint set unchanged = unchanged + ${same.size} where stream_id = ${streamId}`.compile(db));
  return rows.filter((r) => !same.has(r.record.sourceKey));
}
