import { streamKey } from '../core/stream-key.js';
import { type Kysely, sql } from 'kysely';
import { configDir } from '../config/config-origin.js';
import type { EntityConfig } from '../config/entities/entity-config.js';
import type { TributaryConfig } from '../config/tributary-config.js';
import type { Database } from '../store/database-schema.js';
import { ensureStagedStatistics } from '../store/staged-statistics.js';
import { createAffectedTable } from './contributions/contribution-store.js';
import { type CustomStrategyFn, loadCustomStrategies } from './resolve/custom-strategy.js';
import { ENTITY_SCHEMA, entityTableName } from '../store/entity-table-layout.js';
import { ensureEntityTable } from './write/entity-table.js';
import { writeAffectedEntities } from './write/entity-writer.js';
import { mergeChildStream } from './contributions/merge-children.js';
import { mergeStream } from './contributions/merge-stream.js';
import { type EntityMergeSummary, emptySummary } from './merge-summary.js';
import { QuarantineThresholdError } from './map/quarantine.js';

export type { EntityMergeSummary } from './merge-summary.js';

/**
 * Name of the Postgres advisory lock (`pg_advisory_xact_lock(hashtext(name))`) a merge holds on
 * an entity for its whole transaction, e.g. `tributary.merge.customer`: one merge of an entity
 * at a time, whichever pipeline runs it. Take it in another session to hold merges back.
 */
export function mergeLockName(entity: string): string {
  return `tributary.merge.${entity}`;
}

/** What to merge: the staged streams of one run. */
export interface MergeRunInput {
  readonly runId: string;
  readonly streams: ReadonlyArray<{ readonly source: string; readonly stream: string }>;
  /** The run whose staged records to read, when not `runId` (a rerun re-merges a past run's records). */
  readonly stagedRunId?: string;
  /**
   * Staged records a stream's merge reads, maps and keys at a time (default 2,000). The result
   * does not depend on it; smaller batches hold less in memory and send more statements.
   */
  readonly batchSize?: number;
}

/**
 * Merges a run's staged records into the entity tables, in one transaction. Per entity (parents
 * before their children): map each record, quarantine the ones that violate the schema, withdraw
 * tombstoned records, assign entity keys by match values (merging entities a record links),
 * store the contributions, then re-merge and upsert only the entities whose contributions
 * changed. A failure leaves nothing half-applied; running it again changes nothing.
 *
 * When an entity quarantines more than its `quarantine.failAbove`, the whole merge is rolled
 * back, the quarantined records are still stored, and a `QuarantineThresholdError` is thrown.
 */
export async function mergeRun(db: Kysely<Database>, config: TributaryConfig, input: MergeRunInput): Promise<EntityMergeSummary[]> {
  const staged = new Set(input.streams.map(streamKey));
  const entities = mergeOrder(config).filter(([, e]) => Object.keys(e.sources).some((ref) => staged.has(ref)));
  // DDL runs before the data transaction so a concurrent reader never waits on a table lock for long.
  await ensureStagedStatistics(db);
  const refill = new Map<string, readonly string[]>();
  const customs = new Map<string, Map<string, CustomStrategyFn>>();
  for (const [name, entity] of entities) {
    refill.set(name, (await ensureEntityTable(db, name, entity)).refill);
    customs.set(name, await loadCustomStrategies(name, entity, configDir(config)));
  }
  const now = new Date();
  try {
    return await db.transaction().execute(async (trx) => {
      await createAffectedTable(trx);
      const summaries: EntityMergeSummary[] = [];
      for (const [name, entity] of entities) {
        // One merge of an entity at a time, whichever pipeline runs it.
        await sql`select pg_advisory_xact_lock(hashtext(${mergeLockName(name)}))`.execute(trx);
        const summary = emptySummary(name);
        // Into an entity with nothing stored yet (its first load), every key the merge writes is
        // affected: the writer takes them from the contributions instead of a list of each.
        const everyKeyAffected = await isEmptyEntity(trx, name, entity);
        await mergeEntityStreams(trx, config, name, entity, { runId: input.runId, stagedRunId: input.stagedRunId ?? input.runId, now, staged, summary, batchSize: input.batchSize, everyKeyAffected });
        checkQuarantine(name, entity, summary);
        if ((refill.get(name) ?? []).length > 0) {
          // A refilled column is empty: every row is re-merged, whatever its hash said.
          const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
          await sql`update ${table} set _hash = ''`.execute(trx);
          await sql`insert into merge_affected (entity, entity_key) select ${name}, _key from ${table} where _deleted_at is null on conflict do nothing`.execute(trx);
        }
        Object.assign(summary, await writeAffectedEntities(trx, name, entity, { runId: input.runId, now, customs: customs.get(name)!, keys: everyKeyAffected ? 'all' : 'listed' }));
        summaries.push(summary);
      }
      return summaries;
    });
  } catch (err) {
    if (err instanceof QuarantineThresholdError) await recordQuarantineOnly(db, config, entities, { runId: input.runId, stagedRunId: input.stagedRunId ?? input.runId, staged, now, batchSize: input.batchSize });
    throw err;
  }
}

/** Entities in merge order: by name, each child right after the entities it depends on. */
export function mergeOrder(config: TributaryConfig): Array<[string, EntityConfig]> {
  const all = Object.entries(config.entities).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...all.filter(([, e]) => e.parent === undefined), ...all.filter(([, e]) => e.parent !== undefined)];
}

async function mergeEntityStreams(
  trx: Kysely<Database>,
  config: TributaryConfig,
  name: string,
  entity: EntityConfig,
  opts: { runId: string; stagedRunId: string; now: Date; staged: ReadonlySet<string>; summary: EntityMergeSummary; quarantineOnly?: boolean; batchSize?: number; everyKeyAffected?: boolean },
): Promise<void> {
  const children = Object.entries(config.entities).filter(([, e]) => e.parent === name).map(([n]) => n);
  for (const [ref, mapping] of Object.entries(entity.sources)) {
    if (!opts.staged.has(ref)) continue;
    const common = { trx, name, entity, ref, mapping, runId: opts.runId, stagedRunId: opts.stagedRunId, now: opts.now, summary: opts.summary, ...(opts.quarantineOnly ? { quarantineOnly: true } : {}), batchSize: opts.batchSize, everyKeyAffected: opts.everyKeyAffected };
    if (entity.parent !== undefined && mapping.deletes === undefined) await mergeChildStream(common);
    else await mergeStream({ ...common, children });
  }
}

/** Whether an entity has neither contributions nor rows (soft-deleted ones included). */
async function isEmptyEntity(trx: Kysely<Database>, name: string, entity: EntityConfig): Promise<boolean> {
  const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
  const result = await sql<{ empty: boolean }>`
    select not exists (select 1 from tributary.source_record where entity = ${name}) and not exists (select 1 from ${table}) as empty`.execute(trx);
  return result.rows[0]?.empty ?? false;
}

function checkQuarantine(name: string, entity: EntityConfig, s: EntityMergeSummary): void {
  const limit = entity.quarantine.failAbove;
  if (limit !== undefined && s.recordsRead > 0 && s.quarantined / s.recordsRead > limit) {
    throw new QuarantineThresholdError(name, s.quarantined, s.recordsRead, limit, s.quarantineReasons);
  }
}

/**
 * After a merge failed its quarantine threshold: store the quarantined records (and nothing
 * else), so people can see what was wrong. Child entities need their parents' contributions to
 * judge records, so only top-level entities are re-read.
 */
async function recordQuarantineOnly(
  db: Kysely<Database>,
  config: TributaryConfig,
  entities: ReadonlyArray<[string, EntityConfig]>,
  opts: { runId: string; stagedRunId: string; staged: ReadonlySet<string>; now: Date; batchSize?: number },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const [name, entity] of entities) {
      if (entity.parent !== undefined) continue;
      await mergeEntityStreams(trx, config, name, entity, { ...opts, summary: emptySummary(name), quarantineOnly: true });
    }
  });
}
