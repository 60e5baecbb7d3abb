import { type Kysely, sql } from 'kysely';
import type { EntityConfig } from '../../config/entities/entity-config.js';
import type { Database } from '../../store/database-schema.js';
import { ALL_KEYS_PLANNER, ALL_KEY_RANGE, type AffectedKeys, type KeyRange, readAffectedBatch } from './affected-batch.js';
import type { CustomStrategyFn } from '../resolve/custom-strategy.js';
import { ENTITY_SCHEMA, entityTableName } from '../../store/entity-table-layout.js';
import { type EntityRow, compileEntityUpsert } from './entity-upsert.js';
import { type ResolvedEntity, compileEntityResolver } from '../resolve/resolve-entity.js';
import { withPlannerSettings } from '../planner-settings.js';
import { createStatementPipeline } from './statement-pipeline.js';

/** Counts of what a write did. */
export interface WriteCounts {
  /** Entity rows inserted or changed. */
  written: number;
  /** Entity rows whose merge gave the same hash (not rewritten). */
  unchanged: number;
  /** Entities soft-deleted because no source contributes to them any more (or they were merged into another). */
  deleted: number;
}

/** Options of a write. */
export interface WriteOptions {
  readonly runId: string;
  readonly now: Date;
  /** Entity keys re-merged per statement; memory stays flat whatever the run size. */
  readonly batchSize?: number;
  /** Loaded `custom` strategy functions by field. */
  readonly customs?: ReadonlyMap<string, CustomStrategyFn>;
  /** Which keys to re-merge (default `listed`: those the run's prepare step listed in `tributary.merge_affected_key`). */
  readonly keys?: AffectedKeys;
  /** Only the keys in this range (a partition); default every key. */
  readonly range?: KeyRange;
}

/** Entities resolved between two yields to the event loop, so queued statements are sent to Postgres while Node works. */
const RESOLVE_SLICE = 100;

/**
 * Re-merges every entity of `name` in `opts.range` that the run's prepare step listed in
 * `tributary.merge_affected_key` (or, with `keys: 'all'`, every entity it has contributions for)
 * from all its stored contributions and upserts the rows
 * set-based, a batch of keys at a time. Rows whose hash did not change are skipped by the
 * `where` guard, so an unchanged rerun writes nothing. An entity whose records were all
 * withdrawn keeps its last values and is soft-deleted with `_deleted_by`; one left with no
 * contribution at all (merged into another, or every record moved) is soft-deleted with
 * `_merged_into` where identity merged it.
 *
 * Postgres and Node work at the same time on the one connection: the read of the next batch
 * is issued before this batch is resolved, and this batch's writes are issued without waiting,
 * so Postgres runs them while Node resolves the next batch.
 *
 * ```sql
 * insert into unified.customer as t (_key, email, ..., _hash) select ... from jsonb_to_recordset($1::jsonb) as r(...)
 * on conflict (_key) do update set email = excluded.email, ... where t._hash is distinct from excluded._hash or t._deleted_at is not null
 * ```
 */
export async function writeAffectedEntities(trx: Kysely<Database>, name: string, entity: EntityConfig, opts: WriteOptions): Promise<WriteCounts> {
  if (opts.keys === 'all') return withPlannerSettings(trx, ALL_KEYS_PLANNER, () => writeBatches(trx, name, entity, opts, 'all'));
  return writeBatches(trx, name, entity, opts, 'listed');
}

async function writeBatches(trx: Kysely<Database>, name: string, entity: EntityConfig, opts: WriteOptions, keys: AffectedKeys): Promise<WriteCounts> {
  const counts: WriteCounts = { written: 0, unchanged: 0, deleted: 0 };
  const resolve = compileEntityResolver(entity, opts.customs);
  const upsert = compileEntityUpsert(name, entity);
  const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
  const limit = opts.batchSize ?? 1000;
  const pipeline = createStatementPipeline();
  const range = opts.range ?? ALL_KEY_RANGE;
  const read = (after: string | null) => readAffectedBatch(trx, { runId: opts.runId, entity: name, cursor: { after, range }, limit, keys });
  let next = pipeline.track(read(null));
  try {
    for (;;) {
      const batch = await next;
      if (batch.lastKey === undefined) break;
      next = pipeline.track(read(batch.lastKey));
      const live: EntityRow[] = [];
      const withdrawn: ResolvedEntity[] = [];
      const orphans: string[] = [];
      for (let i = 0; i < batch.entities.length; i++) {
        if (i > 0 && i % RESOLVE_SLICE === 0) await yieldToEventLoop();
        const e = batch.entities[i]!;
        if (e.contributions.length === 0) {
          orphans.push(e.key);
          continue;
        }
        const resolved = resolve(e.key, e.contributions);
        if (resolved.sources.length > 0) live.push({ entity: resolved, parentKey: e.parentKey });
        else withdrawn.push(resolved);
      }
      if (live.length > 0) {
        pipeline.add(upsert(trx, live, opts), (written) => {
          counts.written += written;
          counts.unchanged += live.length - written;
        });
      }
      if (withdrawn.length > 0) {
        const rows = JSON.stringify(withdrawn.map((w) => ({ k: w.key, h: w.hash, d: w.deletedBy })));
        const update = sql`update ${table} as t set _deleted_at = ${opts.now}, _last_changed = ${opts.now}, _last_run_id = ${opts.runId}, _sources = '{}', _deleted_by = w.d, _hash = w.h
          from jsonb_to_recordset(${rows}::jsonb) as w(k text, h text, d jsonb)
          where t._key = w.k and (t._hash is distinct from w.h or t._deleted_at is null)`.execute(trx);
        pipeline.add(update, (r) => (counts.deleted += Number(r.numAffectedRows ?? 0)));
      }
      if (orphans.length > 0) {
        const update = sql`update ${table} as t set _deleted_at = ${opts.now}, _last_changed = ${opts.now}, _last_run_id = ${opts.runId}, _sources = '{}',
            _merged_into = (select d.to_key from tributary.entity_redirect d where d.entity = ${name} and d.from_key = t._key)
          where t._key = any(${orphans}::text[]) and t._deleted_at is null`.execute(trx);
        pipeline.add(update, (r) => (counts.deleted += Number(r.numAffectedRows ?? 0)));
      }
    }
  } finally {
    // On failure too: nothing this merge issued may still run, or fail unobserved, after it returns.
    await pipeline.drain().catch(() => undefined);
  }
  await pipeline.drain();
  return counts;
}

/** Lets pending I/O callbacks run (a finished statement hands the connection to the next queued one). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
