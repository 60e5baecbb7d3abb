import { type Kysely, sql } from 'kysely';
import type { EntityConfig } from '../../config/entities/entity-config.js';
import { configDir } from '../../config/config-origin.js';
import type { TributaryConfig } from '../../config/tributary-config.js';
import { parseStreamKey, streamKey } from '../../core/stream-key.js';
import type { Database } from '../../store/database-schema.js';
import { stagedStreamId } from '../../store/staging/staged-stream.js';
import { type StreamRunKey, readCheckpoint } from '../../store/staging/staging-store.js';
import { createAffectedTable } from '../contributions/contribution-store.js';
import { hasContributions } from '../contributions/mark-stream-seen.js';
import { mergeStream } from '../contributions/merge-stream.js';
import { type EntityMergeSummary, addSummaries, emptySummary } from '../merge-summary.js';
import { ensureEntityTable, hasNoRows } from '../write/entity-table.js';
import { writeAffectedEntities } from '../write/entity-writer.js';
import { loadCustomStrategies } from '../resolve/custom-strategy.js';
import { mergeLockName } from './merge-lock.js';
import { readStep, saveStep } from './merge-steps.js';
import { mergeOrder } from './merge-order.js';

/** One entity whose records are merged while the run's streams are fetched, and the streams that feed it. */
export interface FollowFetchInput {
  readonly runId: string;
  readonly entity: string;
  readonly streams: ReadonlyArray<{ readonly source: string; readonly stream: string }>;
}

/**
 * How far the merge during the fetch got for one entity of a run, recorded as the step
 * `follow:<entity>` in each of its transactions, so a retry (or another worker) goes on where
 * the last commit left off and the merge after the fetch takes exactly the rest.
 */
export interface FollowState {
  /** Set by the run's prepare step: from then on the merge after the fetch owns the entity, and nothing more is merged here. */
  readonly closed?: boolean;
  /**
   * The entity had no rows when this began (its first load): the partitions after the fetch
   * rewrite every key from the contributions. Otherwise each key whose contributions changed is
   * listed in `tributary.merge_affected_key` as they are stored, for the partitions to rewrite.
   */
  readonly everyKeyAffected: boolean;
  /**
   * The entity had no rows when this began and this run's stream is its only source: each
   * transaction here also writes the rows of the keys it touched (a key has one contribution, so
   * no row is written twice), and the partitions after the fetch write only what it did not get to.
   * Readers see such an entity's rows as its stream is fetched.
   */
  readonly rowsWritten?: boolean;
  /** Per `source.stream`. */
  readonly streams: Readonly<Record<string, FollowedStream>>;
  /** What the merge during the fetch counted; the run's summary adds it. */
  readonly summary: EntityMergeSummary;
}

/** One stream of a `FollowState`. */
export interface FollowedStream {
  /** False when the stream already had contributions to the entity as the run began: it is merged after the fetch, as a whole. */
  readonly followed: boolean;
  /** The `id` of the last staged record merged (`'0'` before the first). */
  readonly through: string;
}

/** Staged records a transaction of the merge during the fetch takes per stream at most. */
export const FOLLOW_BATCH_RECORDS = 10_000;

/** How long the merge during the fetch waits before looking again when nothing new was staged. */
export const FOLLOW_IDLE_MS = 250;

/** The step name of an entity's merge during the fetch. */
export function followStep(entity: string): string {
  return `follow:${entity}`;
}

/**
 * The entities a run may merge while it fetches (`merge.overlap`), each with its streams in the
 * run. Left out, and merged after the fetch as one validated whole: entities with
 * `quarantine.failAbove` (a run over the threshold applies nothing), child entities and entities
 * with children (a child needs its parents' contributions), and entities fed by a deleted-records
 * feed in the run (a deletion applies in the merge's stream order).
 */
export function followableEntities(config: TributaryConfig, streams: ReadonlyArray<{ readonly source: string; readonly stream: string }>): Array<{ entity: string; streams: Array<{ source: string; stream: string }> }> {
  if (!config.merge.overlap) return [];
  const inRun = new Set(streams.map(streamKey));
  const parents = new Set(Object.values(config.entities).flatMap((e) => (e.parent === undefined ? [] : [e.parent])));
  const out: Array<{ entity: string; streams: Array<{ source: string; stream: string }> }> = [];
  for (const [name, entity] of mergeOrder(config)) {
    if (entity.parent !== undefined || parents.has(name) || entity.quarantine.failAbove !== undefined) continue;
    const refs = Object.entries(entity.sources).filter(([ref]) => inRun.has(ref));
    if (refs.length === 0 || refs.some(([, m]) => m.deletes !== undefined)) continue;
    out.push({ entity: name, streams: refs.map(([ref]) => parseStreamKey(ref)) });
  }
  return out;
}

/** What one transaction of the merge during the fetch did. */
export interface FollowBatch {
  /** Staged records merged (none: nothing new was staged yet). */
  readonly merged: number;
  /** The run's prepare step has taken over: stop. */
  readonly closed: boolean;
}

/**
 * Merges into one entity, in one transaction under the entity's merge lock, what the run's
 * streams staged since the last call: each followed stream's next records (at most
 * `FOLLOW_BATCH_RECORDS`, in staging order) are mapped, keyed and stored as contributions. The
 * entity rows are written here only for an entity on its first load whose only source is the
 * run's stream (`FollowState.rowsWritten`: no row is written twice); otherwise the run's
 * partitions write each once, after the fetch, where several sources would rewrite a row once
 * each and readers see the rows when the run's merge writes them. A stream is
 * followed only when it had no contributions to the entity as the run began (a first load: its
 * records are plain inserts); the others are merged after the fetch. Committed with the step's
 * new state, so it is exact under retries and crashes; once the run's prepare step closed the
 * entity it does nothing.
 */
export async function followFetchOnce(db: Kysely<Database>, config: TributaryConfig, input: FollowFetchInput, opts: { batchRecords?: number; tableEnsured?: boolean } = {}): Promise<FollowBatch> {
  const entity = config.entities[input.entity];
  if (!entity) return { merged: 0, closed: true };
  // DDL outside the data transaction, as the prepare step does it.
  if (!opts.tableEnsured) await ensureEntityTable(db, input.entity, entity);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${mergeLockName(input.entity)}))`.execute(trx);
    const recorded = await readStep<FollowState>(trx, input.runId, followStep(input.entity));
    if (recorded?.closed) return { merged: 0, closed: true };
    // A late attempt (a retry, or one a cancellation did not reach) must not start over once the
    // run's merge took over: its prepare step is recorded until publish, the run ends after, and
    // in between every stream already has the run's contributions, so none is followed.
    if (!recorded && !(await mayFollow(trx, input.runId))) return { merged: 0, closed: true };
    const state: FollowState = recorded ?? (await startState(trx, input.entity, entity));
    const rowsWritten = state.rowsWritten === true;
    await createAffectedTable(trx);
    const now = new Date();
    const streams: Record<string, FollowedStream> = { ...state.streams };
    let summary = state.summary;
    let merged = 0;
    for (const s of input.streams) {
      const ref = streamKey(s);
      const mapping = entity.sources[ref];
      const key: StreamRunKey = { runId: input.runId, source: s.source, stream: s.stream };
      // Until its first page is staged a stream has no checkpoint (and no staged stream id).
      if (!mapping || !(await readCheckpoint(trx, key))) continue;
      const followed = streams[ref] ?? { followed: !(await hasContributions(trx, { entity: input.entity, ...s })), through: '0' };
      streams[ref] = followed;
      if (!followed.followed) continue;
      const through = await lastStagedId(trx, key, followed.through, opts.batchRecords ?? FOLLOW_BATCH_RECORDS);
      if (through === null) continue;
      const counted = await mergeStream({
        trx,
        name: input.entity,
        entity,
        ref,
        mapping,
        runId: input.runId,
        stagedRunId: input.runId,
        now,
        children: [],
        // Writing rows here, the keys touched are listed (in `merge_affected`) for the write below.
        everyKeyAffected: state.everyKeyAffected && !rowsWritten,
        slice: { kind: 'new', ids: { after: followed.through, through } },
      });
      summary = addSummaries(summary, counted);
      merged += counted.recordsRead;
      streams[ref] = { followed: true, through };
    }
    // Nothing recorded until something is merged: a stream's first look is taken again, with the same answer.
    if (merged === 0) return { merged: 0, closed: false };
    const listTouched = () => sql`insert into tributary.merge_affected_key (run_id, entity, entity_key) select ${input.runId}, entity, entity_key from merge_affected where entity = ${input.entity} on conflict do nothing`.execute(trx);
    if (rowsWritten) {
      // Written now, in the transaction that stored their contributions: listed only for the writer, then unlisted.
      await listTouched();
      const customs = await loadCustomStrategies(input.entity, entity, configDir(config));
      summary = addSummaries(summary, await writeAffectedEntities(trx, input.entity, entity, { runId: input.runId, now, customs, keys: 'listed' }));
      await sql`delete from tributary.merge_affected_key where run_id = ${input.runId} and entity = ${input.entity}`.execute(trx);
    } else if (!state.everyKeyAffected) {
      // Listed for the partitions, and, should the run fail before its merge, for the entity's next merge (`adoptUnpublished`).
      await listTouched();
    }
    await saveStep(trx, input.runId, followStep(input.entity), { everyKeyAffected: state.everyKeyAffected, ...(rowsWritten ? { rowsWritten } : {}), streams, summary } satisfies FollowState);
    return { merged, closed: false };
  });
}

/**
 * How an entity's merge during the fetch starts: into an entity without rows the partitions
 * write every key after the fetch, unless the run's stream is the entity's only source, whose
 * rows are then written here (see `FollowState.rowsWritten`).
 */
async function startState(trx: Kysely<Database>, name: string, entity: EntityConfig): Promise<FollowState> {
  const empty = await hasNoRows(trx, name, entity);
  const rowsWritten = empty && Object.keys(entity.sources).length === 1;
  return { everyKeyAffected: empty && !rowsWritten, ...(rowsWritten ? { rowsWritten } : {}), streams: {}, summary: emptySummary(name) };
}

/** Options of `mergeWhileFetching`. */
export interface MergeWhileFetchingOptions {
  /** Stops the loop between transactions (the fetch ended, or the run was cancelled). */
  readonly signal?: AbortSignal;
  /** Called after each transaction. */
  readonly heartbeat?: () => void;
  /** Return after this long (ms), to be called again: a long fetch is followed in bounded slices. */
  readonly sliceMs?: number;
  readonly batchRecords?: number;
  readonly idleMs?: number;
}

/** How `mergeWhileFetching` ended. */
export interface FollowOutcome {
  /** Nothing more will be merged during this run's fetch (the merge after it took over, the run ended, or the entity is gone): do not call again. */
  readonly closed: boolean;
}

/**
 * Follows a run's fetch for one entity: merges what its streams stage as they stage it
 * (`followFetchOnce`), waiting `idleMs` whenever nothing new arrived, until the signal aborts,
 * the slice is over or the entity is closed to it. What it does not get to, the merge after the
 * fetch takes; stopping it anywhere loses nothing.
 */
export async function mergeWhileFetching(db: Kysely<Database>, config: TributaryConfig, input: FollowFetchInput, opts: MergeWhileFetchingOptions = {}): Promise<FollowOutcome> {
  const entity = config.entities[input.entity];
  if (!entity) return { closed: true };
  await ensureEntityTable(db, input.entity, entity);
  const until = Date.now() + (opts.sliceMs ?? Infinity);
  while (!opts.signal?.aborted && Date.now() < until) {
    const batch = await followFetchOnce(db, config, input, { ...opts, tableEnsured: true });
    opts.heartbeat?.();
    if (batch.closed) return { closed: true };
    if (batch.merged === 0) await idle(opts.idleMs ?? FOLLOW_IDLE_MS, opts.signal);
  }
  return { closed: false };
}

/**
 * Closes an entity's merge during the fetch, in the prepare step's transaction (holding the
 * entity's lock): returns what it merged, or undefined when it never ran.
 */
export async function closeFollow(trx: Kysely<Database>, runId: string, entity: string): Promise<FollowState | undefined> {
  const state = await readStep<FollowState>(trx, runId, followStep(entity));
  if (!state) return undefined;
  await saveStep(trx, runId, followStep(entity), { ...state, closed: true } satisfies FollowState);
  return state;
}

/** Forgets a run's merge-during-the-fetch states (a run that failed before its merge). */
export async function forgetFollows(db: Kysely<Database>, runId: string): Promise<void> {
  await sql`delete from tributary.merge_step where run_id = ${runId} and step like 'follow:%'`.execute(db);
}

/** Whether the run is still running and its merge after the fetch has not begun. */
async function mayFollow(trx: Kysely<Database>, runId: string): Promise<boolean> {
  const result = await sql<{ ok: boolean }>`
    select exists (select 1 from tributary.run where run_id = ${runId} and status = 'running')
       and not exists (select 1 from tributary.merge_step where run_id = ${runId} and step not like 'follow:%') as ok`.execute(trx);
  return result.rows[0]?.ok === true;
}

/** The `id` of the last of the next `limit` records the stream staged after `after`, or null when there is none. */
async function lastStagedId(trx: Kysely<Database>, key: StreamRunKey, after: string, limit: number): Promise<string | null> {
  const result = await sql<{ id: string | null }>`
    select max(x.id)::text as id from (select r.id from tributary.staged_record r where r.stream_id = ${stagedStreamId(key)} and r.id > ${after} order by r.id limit ${limit}) x`.execute(trx);
  return result.rows[0]?.id ?? null;
}

function idle(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
