import type { Kysely } from 'kysely';
import type { IncrementalConfig } from '../config/sources/incremental-config.js';
import type { SourceConfig } from '../config/sources/source-config.js';
import { shortSha256 } from '../core/short-hash.js';
import { NUL_REASON, containsNul } from '../core/nul-character.js';
import { sourceKeyOf } from '../core/source-key.js';
import { ResponseFormatError } from '../connectors/connector-error.js';
import { type PaginationState, stateKey } from '../connectors/pagination/paginator.js';
import type { StreamPage, StreamReader } from '../connectors/stream-reader.js';
import type { Database } from '../store/database-schema.js';
import type { CopyPool } from '../store/staging/stage-page-copy.js';
import { type ChangeFilter, type FetchCheckpoint, type StagedPage, type StagedRecordInput, type StreamRunKey, readCheckpoint, recordFetchOutcome, stagePages } from '../store/staging/staging-store.js';
import { readRunCursorMax, recordRunCursorMax } from '../store/watermark-store.js';
import { type FetchedParent, recordFetchedParents } from '../store/parent-state-store.js';
import { DuplicateKeysError, StreamIncompleteError } from './fetch-errors.js';
import { cursorValueOf, maxCursor } from './incremental.js';

/**
 * Progress of a stream's fetch after a chunk, small enough for heartbeats and workflow history:
 * where the fetch stands (cumulative over the stream) and what the chunk's requests cost.
 */
export type FetchProgress = FetchState & ChunkStats;

/** Where a stream's fetch stands: cumulative over the stream, as its checkpoint records it. */
export interface FetchState {
  readonly pages: number;
  readonly records: number;
  readonly done: boolean;
  /** The scheme used; `auto:<scheme>` when it was detected. */
  readonly paginationType: string;
  /** The total the API reported, when it did. */
  readonly reportedTotal: number | null;
  /**
   * Why the stream, once fetched, is short of what the upstream has (fewer records than it
   * reported, a `has_more` that could not be followed) under `onTruncation: degrade`: its records
   * are merged, the run is degraded and its watermark stays. (Under `fail` the fetch throws.)
   */
  readonly incomplete?: string;
  /** The same, under `onTruncation: warn`: a warning only, the stream counts as complete. */
  readonly truncation?: string;
  /** Records received again under a primary key already received in the run (the stream's `duplicates` policy chose the version kept). */
  readonly duplicates?: number;
  /** Set when a page/record cap stopped the fetch early. */
  readonly cappedBy?: 'maxPages' | 'maxRecords';
}

/** What one chunk's requests cost and met: per chunk; the `syncStream` workflow adds the chunks up (its `FetchTotals`). */
export interface ChunkStats {
  /**
   * Milliseconds this chunk waited for the source's rate limit (and retry backoff). Per chunk
   * here; the `syncStream` workflow sums the chunks, so its result (and the run summary) covers the stream.
   */
  readonly rateLimitWaitMs?: number;
  /** Requests this chunk retried after transient failures (per chunk; summed per stream like `rateLimitWaitMs`). */
  readonly retries?: number;
  /** Problems that did not fail the fetch (partial GraphQL data, schema drift, cost budget), at most a few. */
  readonly warnings?: readonly string[];
}

/** Per-request statistics the reader's HTTP client keeps. */
export interface ReaderStats {
  readonly waitedMs: number;
  readonly retries: number;
}

/**
 * Pages are staged together until they hold this many records: a transaction per 250-record
 * page cost Postgres and the worker about a fifth more per record than one per 1,000.
 */
export const STAGE_GROUP_RECORDS = 1000;

/**
 * ...or until the group's first page has waited this long, so a slow API's pages are staged
 * (and reported in heartbeats) about as soon as they arrive.
 */
export const STAGE_GROUP_WAIT_MS = 1000;

/**
 * Pages a fetch may hold requested ahead of the one it stages next (in flight or arrived), per
 * request in flight: pages are staged in order, so pages arriving before an earlier one wait;
 * with room for only two per request, a child page after its parent's first page held back
 * the next wave of requests until the wave before it was staged.
 */
const AHEAD_PER_IN_FLIGHT = 4;

/** A fetched page waiting to be staged, with what is reported once it is. */
interface PendingPage extends StagedPage {
  readonly cursorMax: string | undefined;
  /** A child page's parent, with the page's own highest cursor (per-parent state). */
  readonly parent?: FetchedParent | undefined;
  readonly cappedBy: 'maxPages' | 'maxRecords' | undefined;
}

/**
 * How long a chunk pages before it reports back, however many of its `maxPages` remain (its last
 * page is still staged durably first). Against a slow or tightly rate-limited upstream this keeps
 * a chunk far inside the fetch activity's start-to-close timeout; at loopback speed a chunk of
 * 100 pages takes a few seconds.
 */
export const CHUNK_MAX_MS = 120_000;

/**
 * Fetches up to `maxPages` pages of a stream (for at most `maxMs`, default `CHUNK_MAX_MS`),
 * continuing from its checkpoint, and stages them
 * with the advanced checkpoint, a few pages to a transaction (while the next pages are
 * requested). Called again after a crash, it resumes after the last staged page: no record is
 * lost or staged twice; at most the pages of one unstaged group are requested again. A failed
 * request or a malformed page stages the pages before it first.
 * For incremental streams the highest cursor value seen is recorded after each staged group.
 */
export async function fetchPages(
  db: Kysely<Database>,
  key: StreamRunKey,
  source: SourceConfig,
  reader: StreamReader,
  opts: {
    /** Clients of the database's pool to COPY staged records with (see `StagingTarget`); without it they are upserted. */
    copyPool?: CopyPool | undefined;
    /** Where the fetch stands, when the caller has read it (null: no page yet); else it is read here. */
    checkpoint?: FetchCheckpoint | null;
    maxPages: number;
    /** Stop paging once this long has passed (default `CHUNK_MAX_MS`). */
    maxMs?: number;
    onPage?: (progress: FetchProgress) => void;
    incremental?: IncrementalConfig;
    /** Record, per parent of a child stream, that its children were fetched and their highest cursor (see `recordFetchedParents`). */
    perParent?: boolean;
    stats?: ReaderStats;
    warnings?: readonly string[];
    /**
     * Pages requested at once where the pagination allows (see `StreamReader.ahead`; the source's
     * `rateLimit.maxConcurrency` caps requests in flight across its streams). Default 1: the next
     * page only, while earlier ones are staged.
     */
    concurrency?: number;
    /** When to stage the pages fetched so far (default `STAGE_GROUP_RECORDS`, `STAGE_GROUP_WAIT_MS`). */
    group?: { readonly records: number; readonly waitMs: number };
    /** Stage the stream's first page on its own, as soon as it arrives: the stream has children in the run, which start on its records. */
    firstPageAlone?: boolean;
    /** Stage only the records the last merge did not take in as they are (`changeFilterOf`); without it every record is staged. */
    changeFilter?: ChangeFilter | undefined;
  },
): Promise<FetchProgress> {
  const stream = source.streams[key.stream]!;
  const grouping = opts.group ?? { records: STAGE_GROUP_RECORDS, waitMs: STAGE_GROUP_WAIT_MS };
  const stopAt = Date.now() + (opts.maxMs ?? CHUNK_MAX_MS);
  const warnings = [...(opts.warnings ?? [])];
  const saved = opts.checkpoint === undefined ? await readCheckpoint(db, key) : (opts.checkpoint ?? undefined);
  let checkpoint: FetchCheckpoint = saved ?? { pages: 0, records: 0, state: null, done: false, reportedTotal: null, paginationType: reader.paginationType };
  let cursorMax = opts.incremental ? ((await readRunCursorMax(db, key)) ?? undefined) : undefined;
  const extras = () => ({
    ...(opts.stats && opts.stats.waitedMs > 0 ? { rateLimitWaitMs: Math.round(opts.stats.waitedMs) } : {}),
    ...(opts.stats && opts.stats.retries > 0 ? { retries: opts.stats.retries } : {}),
    ...(warnings.length > 0 ? { warnings: warnings.slice(0, 5) } : {}),
  });

  // Stages a group, then records its cursor maximum and reports it. One group at a time.
  const keep = stream.duplicates === 'first_wins' ? 'first' : 'last';
  const stageGroup = async (group: readonly PendingPage[]): Promise<void> => {
    await stagePages({ db, copyPool: opts.copyPool }, key, group, keep, opts.changeFilter);
    if (opts.perParent) await recordFetchedParents(db, key, opts.incremental?.cursorType, foldParents(group, opts.incremental?.cursorType));
    const last = group[group.length - 1]!;
    if (opts.incremental && last.cursorMax !== undefined && last.cursorMax !== cursorMax) {
      cursorMax = last.cursorMax;
      await recordRunCursorMax(db, key, cursorMax);
    }
    opts.onPage?.({ ...progressOf(last.checkpoint, last.cappedBy), ...extras() });
  };
  let group: PendingPage[] = [];
  let groupRecords = 0;
  let staging: Promise<void> | undefined;
  const flush = async (durable: boolean) => {
    const pages = group;
    group = [];
    groupRecords = 0;
    if (staging) await staging;
    if (pages.length === 0) return;
    if (durable) pages[pages.length - 1] = { ...pages[pages.length - 1]!, lazyCommit: false };
    staging = stageGroup(pages);
    // Awaited before the next group is staged or the chunk returns; until then it must not count as unhandled.
    staging.catch(() => {});
  };

  // Pages requested before their turn, by the identity of their state: the next page (while
  // earlier ones are staged), the pages the pagination can name after it (`StreamReader.ahead`),
  // and the page after any page that arrived early (a child's second page under its parent):
  // up to `concurrency` in flight, and no more waiting than the chunk can still take. A response
  // is used only when paging reaches exactly its state.
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const requested = new Map<string, Promise<StreamPage>>();
  // States this chunk has taken: a queued state may be reached (and taken) before it is launched.
  const taken = new Set<string>();
  let queue: Array<PaginationState | null> = [];
  // Successors of pages that arrived early: launched before the states `ahead` named, and kept
  // when a later page replaces those (they are never named again).
  const successors: PaginationState[] = [];
  let inFlight = 0;
  let remaining = opts.maxPages;
  const launch = (state: PaginationState | null, key: string): Promise<StreamPage> => {
    inFlight++;
    const page = reader.readPage(state as never);
    requested.set(key, page);
    page
      .then(
        (p) => {
          // Its successor is known now: wanted next, ahead of pages further on.
          if (concurrency > 1 && p.next && !p.pending && !requested.has(stateKey(p.next))) successors.push(p.next);
        },
        // Until its turn comes (or never, when paging ends first), its failure is not unhandled.
        () => undefined,
      )
      .finally(() => {
        inFlight--;
        pump();
      })
      .catch(() => undefined);
    return page;
  };
  const pump = (): void => {
    while ((successors.length > 0 || queue.length > 0) && inFlight < concurrency && requested.size < Math.min(AHEAD_PER_IN_FLIGHT * concurrency, remaining)) {
      const state = successors.shift() ?? queue.shift()!;
      const key = stateKey(state);
      // Kept in `requested` until taken; its failure is handled in `launch`.
      if (!requested.has(key) && !taken.has(key)) void launch(state, key);
    }
  };
  const take = (state: PaginationState | null): Promise<StreamPage> => {
    const key = stateKey(state);
    const page = requested.get(key) ?? launch(state, key);
    requested.delete(key);
    taken.add(key);
    remaining--;
    return page;
  };
  const requestAhead = async (state: PaginationState | null): Promise<void> => {
    if (remaining <= 0) return;
    const more = concurrency > 1 && reader.ahead ? await reader.ahead(state, Math.min(AHEAD_PER_IN_FLIGHT * concurrency, remaining) - 1) : [];
    queue = [state, ...more];
    pump();
  };

  let pendingMax = cursorMax;
  try {
    if (concurrency > 1 && !checkpoint.done) await requestAhead(checkpoint.state as PaginationState | null);
    for (let i = 0; i < opts.maxPages && !checkpoint.done; i++) {
      const page = await take(checkpoint.state as PaginationState | null);
      // Nothing to read yet (a child waiting for its parent stream): end the chunk; the next one asks again.
      if (page.pending) {
        await flush(true);
        break;
      }
      const fetchedAt = new Date();
      const { records, pageMax } = pageRecords(page, checkpoint.pages + 1, stream.primaryKey, opts.incremental);
      // The next page's cursor goes into the checkpoint (jsonb), which cannot hold U+0000 either.
      if (containsNul(page.next)) throw new ResponseFormatError(page.url, `the next-page cursor of page ${checkpoint.pages + 1} ${NUL_REASON}`);
      for (const w of page.warnings ?? []) if (!warnings.includes(w)) warnings.push(w);
      const pages = checkpoint.pages + 1;
      const total = checkpoint.records + records.length;
      const cappedBy = capOf({ pages, records: total }, stream);
      checkpoint = {
        pages,
        records: total,
        state: page.next,
        done: page.next === null || cappedBy !== undefined,
        reportedTotal: page.reportedTotal ?? checkpoint.reportedTotal,
        paginationType: page.paginationType ?? checkpoint.paginationType,
        // Once the upstream said more remain and paging could not follow, the fetch stays incomplete.
        incomplete: checkpoint.incomplete ?? page.incomplete ?? null,
      };
      if (opts.incremental && pageMax !== undefined) pendingMax = maxCursor(pendingMax, pageMax, opts.incremental.cursorType);
      // The chunk's last page commits durably (flushing the pages before it) before the chunk
      // reports back; a Postgres crash before that loses pages and checkpoint together.
      const lastOfChunk = checkpoint.done || i + 1 >= opts.maxPages || fetchedAt.getTime() >= stopAt;
      // The next page (and those the pagination can name) are requested while earlier pages are staged.
      if (!lastOfChunk) await requestAhead(checkpoint.state as PaginationState | null);
      const parent = page.parent ? { parentKey: page.parent.key, parentHash: page.parent.hash, max: pageMax } : undefined;
      group.push({ seq: pages, records, fetchedAt, checkpoint, lazyCommit: true, cursorMax: pendingMax, cappedBy, parent });
      groupRecords += records.length;
      const alone = opts.firstPageAlone === true && pages === 1;
      if (lastOfChunk || alone || groupRecords >= grouping.records || fetchedAt.getTime() - group[0]!.fetchedAt.getTime() >= grouping.waitMs) {
        await flush(lastOfChunk);
      }
      if (lastOfChunk) break;
    }
  } catch (err) {
    // What was fetched before the failure is kept, so a retry resumes after it; a staging
    // failure (a zombie's conflict, a database error) is the error to report.
    await flush(true);
    await staging;
    throw err;
  }
  await staging;
  const cappedBy = capOf(checkpoint, stream);
  const progress = { ...progressOf(checkpoint, cappedBy), ...extras() };
  return checkpoint.done ? { ...progress, ...(await settleFetch(db, key, checkpoint, stream, cappedBy)) } : progress;
}

/** Which cap of the stream's config a fetch reached, if any. */
function capOf(cp: Pick<FetchCheckpoint, 'pages' | 'records'>, stream: { maxPages?: number | undefined; maxRecords?: number | undefined }): 'maxPages' | 'maxRecords' | undefined {
  if (stream.maxPages !== undefined && cp.pages >= stream.maxPages) return 'maxPages';
  if (stream.maxRecords !== undefined && cp.records >= stream.maxRecords) return 'maxRecords';
  return undefined;
}

/**
 * The outcome of a finished fetch under the stream's policies: duplicates are counted (and
 * fail the stream under `duplicates: fail`); a fetch short of what the upstream has (fewer
 * records than its reported total, or a `has_more` that could not be followed) fails under
 * `onTruncation: fail`, is `incomplete` under `degrade` and a `truncation` warning under `warn`.
 * A fetch stopped by its own cap (`maxPages`, `maxRecords`) is short by configuration, not
 * incomplete. Recorded in the checkpoint, so a retried activity settles the same way.
 */
async function settleFetch(
  db: Kysely<Database>,
  key: StreamRunKey,
  cp: FetchCheckpoint,
  stream: { primaryKey: string; onTruncation: 'fail' | 'degrade' | 'warn'; duplicates: 'last_wins' | 'first_wins' | 'fail' },
  cappedBy: 'maxPages' | 'maxRecords' | undefined,
): Promise<Pick<FetchProgress, 'incomplete' | 'truncation' | 'duplicates'>> {
  const short = cp.reportedTotal !== null && cp.records < cp.reportedTotal ? `the API reported ${cp.reportedTotal} records but ${cp.records} arrived` : undefined;
  const reason = cappedBy ? undefined : (cp.incomplete ?? short);
  const duplicates = cp.duplicates ?? (await recordFetchOutcome(db, key, { received: cp.records, incomplete: reason ?? null }));
  if (duplicates > 0 && stream.duplicates === 'fail') throw new DuplicateKeysError(key, duplicates, stream.primaryKey);
  if (reason !== undefined && stream.onTruncation === 'fail') throw new StreamIncompleteError(key, reason);
  return {
    ...(reason === undefined ? {} : stream.onTruncation === 'degrade' ? { incomplete: reason } : { truncation: reason }),
    ...(duplicates > 0 ? { duplicates } : {}),
  };
}

/** The parents of a group's pages, one entry each with the highest cursor of its pages. */
function foldParents(group: readonly PendingPage[], type: IncrementalConfig['cursorType'] | undefined): FetchedParent[] {
  const byKey = new Map<string, FetchedParent>();
  for (const { parent } of group) {
    if (!parent) continue;
    const seen = byKey.get(parent.parentKey);
    byKey.set(parent.parentKey, { ...parent, max: type && seen ? maxCursor(seen.max, parent.max, type) : (parent.max ?? seen?.max) });
  }
  return [...byKey.values()];
}

/**
 * A page's records ready to stage (key, JSON text, hash), and the highest incremental cursor
 * value among them. Throws a `ResponseFormatError` naming the record when one has no primary key,
 * or a key or cursor value holding U+0000.
 */
function pageRecords(page: StreamPage, seq: number, primaryKey: string, incremental: IncrementalConfig | undefined): { records: StagedRecordInput[]; pageMax: string | undefined } {
  let pageMax: string | undefined;
  const records = page.records.map((record, index): StagedRecordInput => {
    const sourceKey = sourceKeyOf(record, primaryKey);
    if (sourceKey === undefined) throw new ResponseFormatError(page.url, `record ${index} of page ${seq} has no primary key at ${primaryKey}`);
    // Keys and cursors are stored as text, which cannot hold U+0000: refused here, with the
    // record named, rather than failing the page's COPY (or the cursor's write after it) with
    // an encoding error that a retry would only repeat.
    if (sourceKey.includes('\u0000')) throw new ResponseFormatError(page.url, `record ${index} of page ${seq}: the primary key at ${primaryKey} ${NUL_REASON}`);
    if (incremental) {
      const cursor = cursorValueOf(record, incremental);
      if (cursor?.includes('\u0000')) {
        throw new ResponseFormatError(page.url, `record ${index} of page ${seq}: the incremental cursor at ${incremental.cursorField} ${NUL_REASON}`);
      }
      pageMax = maxCursor(pageMax, cursor, incremental.cursorType);
    }
    // The record's text as the upstream sent it; serialized only where it could not be sliced.
    const payloadJson = page.texts?.[index] ?? JSON.stringify(record);
    return { sourceKey, payloadJson, hash: shortSha256(payloadJson) };
  });
  return { records, pageMax };
}

function progressOf(cp: FetchCheckpoint, cappedBy?: 'maxPages' | 'maxRecords'): FetchProgress {
  return {
    pages: cp.pages,
    records: cp.records,
    done: cp.done,
    paginationType: cp.paginationType,
    reportedTotal: cp.reportedTotal,
    ...(cappedBy ? { cappedBy } : {}),
  };
}
