import { type Kysely, sql } from 'kysely';
import type { EntityConfig } from '../../config/entities/entity-config.js';
import type { TributaryConfig } from '../../config/tributary-config.js';
import { streamKey } from '../../core/stream-key.js';
import type { Database } from '../../store/database-schema.js';
import { ENTITY_SCHEMA, entityTableName } from '../../store/entity-table-layout.js';
import { ensureStagedStatistics } from '../../store/staging/staged-statistics.js';
import { createAffectedTable } from '../contributions/contribution-store.js';
import { mergeChildStream } from '../contributions/merge-children.js';
import { mergeStream } from '../contributions/merge-stream.js';
import { QuarantineThresholdError } from '../map/quarantine.js';
import { type EntityMergeSummary, addSummaries, emptySummary } from '../merge-summary.js';
import { ensureEntityTable, hasNoRows } from '../write/entity-table.js';
import { keyRanges, partitionCount } from './key-ranges.js';
import type { MergePlan, PlannedEntity } from './merge-plan.js';
import { PREPARE_STEP, readStep, recordStep } from './merge-steps.js';
import { adoptUnpublished } from './adopt-unpublished.js';
import { writePartitionIn } from './write-partition.js';
import { mergeLockName } from './merge-lock.js';
import { mergeOrder } from './merge-order.js';
import { type FollowState, type FollowedStream, closeFollow } from './follow-fetch.js';
import { parseStreamKey } from '../../core/stream-key.js';
import { readCheckpoint } from '../../store/staging/staging-store.js';
import { unchangedAtFetch } from '../contributions/staged-changes.js';

/** What to merge: the staged streams of one run. */
export interface MergeRunInput {
  readonly runId: string;
  readonly streams: ReadonlyArray<{ readonly source: string; readonly stream: string }>;
  /** The run whose staged records to read, when not `runId` (a rerun re-merges a past run's records). */
  readonly stagedRunId?: string;
  /** Recompute from every record's latest payload (`tributary.latest_record`) instead of one run's staged records: what `rerun` does. */
  readonly fromLatest?: boolean;
  /**
   * Staged records a stream's merge reads, maps and keys at a time (default 2,000). The result
   * does not depend on it; smaller batches hold less in memory and send more statements.
   */
  readonly batchSize?: number;
}

/**
 * The first step of a run's merge, in one transaction: per entity (parents before their
 * children) map each staged record, quarantine the ones that violate the schema, withdraw
 * tombstoned records, assign entity keys by match values across every record of the run
 * (merging entities a record links), and store the contributions. The keys whose rows must be
 * rewritten are listed for the partitions (`tributary.merge_affected_key`; on a first load, and
 * when recomputing from the latest payloads, every key is), and the plan says how each entity's
 * keys are split. An entity whose rewrite fits one partition is written here, in the same
 * transaction; the others reach the entity tables in their partitions.
 *
 * Partitions that an earlier run's failed merge left unwritten are taken over
 * (`adoptUnpublished`): their keys are rewritten with this run's, so entity rows never stay
 * behind their contributions.
 *
 * When an entity quarantines more than its `quarantine.failAbove`, the step rolls back, the
 * quarantined records are still stored, and a `QuarantineThresholdError` is thrown: nothing of
 * the run is applied. Committed, the step is recorded with its plan; run again, it returns that
 * plan without doing anything.
 */
export async function prepareMerge(db: Kysely<Database>, config: TributaryConfig, input: MergeRunInput): Promise<MergePlan> {
  const done = await readStep<MergePlan>(db, input.runId, PREPARE_STEP);
  if (done) return done;
  const staged = new Set(input.streams.map(streamKey));
  const entities = mergeOrder(config).filter(([, e]) => Object.keys(e.sources).some((ref) => staged.has(ref)));
  // DDL runs before the data transaction so a concurrent reader never waits on a table lock for long.
  await ensureStagedStatistics(db);
  const refill = new Map<string, readonly string[]>();
  for (const [name, entity] of entities) refill.set(name, (await ensureEntityTable(db, name, entity)).refill);
  const stagedRunId = input.stagedRunId ?? input.runId;
  const mergedAt = new Date();
  try {
    return await db.transaction().execute(async (trx) => {
      await createAffectedTable(trx);
      const planned: PlannedEntity[] = [];
      for (const [name, entity] of entities) {
        await sql`select pg_advisory_xact_lock(hashtext(${mergeLockName(name)}))`.execute(trx);
        // What was merged while the run fetched is closed to further merging, and only the rest is read here.
        const followed = input.fromLatest || stagedRunId !== input.runId ? undefined : await closeFollow(trx, input.runId, name);
        // Into an entity with no rows yet (its first load), every key the merge writes is
        // affected: the partitions take them from the contributions instead of a list of each.
        // Contributions without rows (a failed run's merge during the fetch) are written with them.
        const everyKeyAffected = followed?.everyKeyAffected === true || (await hasNoRows(trx, name, entity));
        // Partitions an earlier failed merge left unwritten are written by this one.
        if (!everyKeyAffected) await adoptUnpublished(trx, input.runId, name);
        const summary = await mergeEntityStreams(trx, config, name, entity, { runId: input.runId, stagedRunId, now: mergedAt, staged, batchSize: input.batchSize, everyKeyAffected, fromLatest: input.fromLatest, followed });
        checkQuarantine(name, entity, summary);
        if ((refill.get(name) ?? []).length > 0) {
          // A refilled column is empty: every row is re-merged, whatever its hash said.
          const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
          await sql`update ${table} set _hash = ''`.execute(trx);
          await sql`insert into merge_affected (entity, entity_key) select ${name}, _key from ${table} where _deleted_at is null on conflict do nothing`.execute(trx);
        }
        if (input.fromLatest && !everyKeyAffected) {
          // Recomputing rewrites every entity, live or with contributions, so a changed strategy applies to all of them.
          const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
          await sql`insert into merge_affected (entity, entity_key)
            select ${name}, entity_key from tributary.source_record where entity = ${name} union select ${name}, _key from ${table} where _deleted_at is null
            on conflict do nothing`.execute(trx);
        }
        let keys = summary.contributionsChanged;
        if (everyKeyAffected) {
          // Every stored contribution is written, this run's and any a failed run left without rows.
          const stored = await sql<{ n: number }>`select count(*)::int as n from tributary.source_record where entity = ${name}`.execute(trx);
          keys = Math.max(keys, stored.rows[0]?.n ?? 0);
        } else {
          // With the keys the merge during the fetch listed already.
          await sql`insert into tributary.merge_affected_key (run_id, entity, entity_key) select ${input.runId}, entity, entity_key from merge_affected where entity = ${name} on conflict do nothing`.execute(trx);
          const listed = await sql<{ n: number }>`select count(*)::int as n from tributary.merge_affected_key where run_id = ${input.runId} and entity = ${name}`.execute(trx);
          keys = listed.rows[0]?.n ?? 0;
        }
        // An entity with no row to rewrite (an unchanged rerun) needs no partition at all.
        planned.push({ entity: name, keys: everyKeyAffected ? 'all' : 'listed', partitions: keys === 0 ? [] : keyRanges(partitionCount(keys, config.merge)), summary });
      }
      // The run's own staged records become the streams' latest payloads (a rerun stages none).
      const latest = input.fromLatest || stagedRunId !== input.runId ? [] : input.streams.filter((s) => entities.some(([, e]) => e.sources[streamKey(s)] !== undefined && e.sources[streamKey(s)]!.deletes === undefined));
      const plan: MergePlan = { runId: input.runId, mergedAt: mergedAt.toISOString(), entities: planned, latest: latest.map(({ source, stream }) => ({ source, stream })) };
      await recordStep(trx, input.runId, PREPARE_STEP, plan);
      // A merge small enough for one partition writes it here, in the same transaction: its
      // contributions are read back while this transaction's own (no second pass setting hint
      // bits, no second transaction). The partition is recorded, so its activity only returns the counts.
      for (const e of planned) if (e.partitions.length === 1) await writePartitionIn(trx, config, plan, e.entity, 0);
      return plan;
    });
  } catch (err) {
    if (err instanceof QuarantineThresholdError) await recordQuarantineOnly(db, config, entities, { runId: input.runId, stagedRunId, staged, now: mergedAt, batchSize: input.batchSize, fromLatest: input.fromLatest });
    throw err;
  }
}

/** Merges each staged stream of the entity in turn; returns what they counted, added up. */
async function mergeEntityStreams(
  trx: Kysely<Database>,
  config: TributaryConfig,
  name: string,
  entity: EntityConfig,
  opts: {
    runId: string;
    stagedRunId: string;
    now: Date;
    staged: ReadonlySet<string>;
    quarantineOnly?: boolean;
    batchSize?: number;
    everyKeyAffected?: boolean;
    fromLatest?: boolean | undefined;
    /** What the merge during the fetch took of this entity (`closeFollow`). */
    followed?: FollowState | undefined;
  },
): Promise<EntityMergeSummary> {
  const children = Object.entries(config.entities).filter(([, e]) => e.parent === name).map(([n]) => n);
  let summary = opts.followed?.summary ?? emptySummary(name);
  for (const [ref, mapping] of Object.entries(entity.sources)) {
    if (!opts.staged.has(ref)) continue;
    const common = {
      trx,
      name,
      entity,
      ref,
      mapping,
      runId: opts.runId,
      stagedRunId: opts.stagedRunId,
      now: opts.now,
      ...(opts.quarantineOnly ? { quarantineOnly: true } : {}),
      ...(opts.fromLatest ? { fromLatest: true } : {}),
      batchSize: opts.batchSize,
      everyKeyAffected: opts.everyKeyAffected,
    };
    const followed = opts.quarantineOnly ? undefined : opts.followed?.streams[ref];
    if (followed?.followed) {
      summary = addSummaries(summary, await mergeFollowedRest(trx, { ...common, children }, followed));
      continue;
    }
    const counted = entity.parent !== undefined && mapping.deletes === undefined ? await mergeChildStream(common) : await mergeStream({ ...common, children });
    summary = addSummaries(summary, counted);
  }
  return summary;
}

/**
 * The rest of a stream the merge during the fetch followed: the records staged after the last
 * one it merged, and, when the fetch received a record twice, the records it merged that a later
 * page staged again with another payload. The records the fetch found unchanged and did not
 * stage count here, once.
 */
async function mergeFollowedRest(trx: Kysely<Database>, m: Parameters<typeof mergeStream>[0], followed: FollowedStream): Promise<EntityMergeSummary> {
  const { source, stream } = parseStreamKey(m.ref);
  const key = { runId: m.stagedRunId, source, stream };
  let summary = await mergeStream({ ...m, slice: { kind: 'new', ids: { after: followed.through, through: LAST_ID } } });
  const checkpoint = await readCheckpoint(trx, key);
  if ((checkpoint?.duplicates ?? 0) > 0) summary = addSummaries(summary, await mergeStream({ ...m, slice: { kind: 'restaged', through: followed.through } }));
  const skipped = await unchangedAtFetch(trx, key);
  return addSummaries(summary, { recordsRead: skipped, recordsUnchanged: skipped });
}

/** Above every staged `id` (a bigint). */
const LAST_ID = '9223372036854775807';

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
  opts: { runId: string; stagedRunId: string; staged: ReadonlySet<string>; now: Date; batchSize?: number; fromLatest?: boolean | undefined },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const [name, entity] of entities) {
      if (entity.parent !== undefined) continue;
      await mergeEntityStreams(trx, config, name, entity, { ...opts, quarantineOnly: true });
    }
  });
}
