import type { Kysely } from 'kysely';
import type { IncrementalConfig } from '../config/incremental-config.js';
import type { SourceConfig } from '../config/source-config.js';
import { shortSha256 } from '../core/short-hash.js';
import { NUL_REASON, containsNul } from '../core/nul-character.js';
import { sourceKeyOf } from '../core/source-key.js';
import { ResponseFormatError } from '../connectors/connector-error.js';
import type { StreamPage, StreamReader } from '../connectors/stream-reader.js';
import type { Database } from '../store/database-schema.js';
import { type FetchCheckpoint, type StagedRecordInput, type StreamRunKey, readCheckpoint, stagePage } from '../store/staging-store.js';
import { readRunCursorMax, recordRunCursorMax } from '../store/watermark-store.js';
import { cursorValueOf, maxCursor } from './incremental.js';

/** Progress of a stream's fetch, small enough for heartbeats and workflow history. */
export interface FetchProgress {
  readonly pages: number;
  readonly records: number;
  readonly done: boolean;
  /** The scheme used; `auto:<scheme>` when it was detected. */
  readonly paginationType: string;
  /** The total the API reported, when it did. */
  readonly reportedTotal: number | null;
  /** Set when the API reported a total and fewer records arrived: silent truncation, said out loud. */
  readonly truncation?: string;
  /** Set when a page/record cap stopped the fetch early. */
  readonly cappedBy?: 'maxPages' | 'maxRecords';
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
 * Fetches up to `maxPages` pages of a stream, continuing from its checkpoint, and stages each
 * page with the advanced checkpoint in one transaction (while the next page is requested).
 * Called again after a crash, it resumes after the last staged page: no record is lost or
 * staged twice.
 * For incremental streams the highest cursor value seen is recorded after each page.
 */
export async function fetchStreamChunk(
  db: Kysely<Database>,
  key: StreamRunKey,
  source: SourceConfig,
  reader: StreamReader,
  opts: { maxPages: number; onPage?: (progress: FetchProgress) => void; incremental?: IncrementalConfig; stats?: ReaderStats; warnings?: readonly string[] },
): Promise<FetchProgress> {
  const stream = source.streams[key.stream]!;
  const warnings = [...(opts.warnings ?? [])];
  let checkpoint: FetchCheckpoint = (await readCheckpoint(db, key)) ?? { pages: 0, records: 0, state: null, done: false, reportedTotal: null, paginationType: reader.paginationType };
  let cursorMax = opts.incremental ? ((await readRunCursorMax(db, key)) ?? undefined) : undefined;
  const extras = () => ({
    ...(opts.stats && opts.stats.waitedMs > 0 ? { rateLimitWaitMs: Math.round(opts.stats.waitedMs) } : {}),
    ...(opts.stats && opts.stats.retries > 0 ? { retries: opts.stats.retries } : {}),
    ...(warnings.length > 0 ? { warnings: warnings.slice(0, 5) } : {}),
  });
  let next: Promise<StreamPage> | undefined;
  for (let i = 0; i < opts.maxPages && !checkpoint.done; i++) {
    const page = await (next ?? reader.readPage(checkpoint.state as never));
    next = undefined;
    const fetchedAt = new Date();
    let pageMax: string | undefined;
    const records: StagedRecordInput[] = page.records.map((record, index) => {
      const sourceKey = sourceKeyOf(record, stream.primaryKey);
      if (sourceKey === undefined) {
        throw new ResponseFormatError(page.url, `record ${index} of page ${checkpoint.pages + 1} has no primary key at ${stream.primaryKey}`);
      }
      // Keys and cursors are stored as text, which cannot hold U+0000: refused here, with the
      // record named, rather than failing the page's COPY (or the cursor's write after it) with
      // an encoding error that a retry would only repeat.
      if (sourceKey.includes('\u0000')) {
        throw new ResponseFormatError(page.url, `record ${index} of page ${checkpoint.pages + 1}: the primary key at ${stream.primaryKey} ${NUL_REASON}`);
      }
      if (opts.incremental) {
        const cursor = cursorValueOf(record, opts.incremental);
        if (cursor?.includes('\u0000')) {
          throw new ResponseFormatError(page.url, `record ${index} of page ${checkpoint.pages + 1}: the incremental cursor at ${opts.incremental.cursorField} ${NUL_REASON}`);
        }
        pageMax = maxCursor(pageMax, cursor, opts.incremental.cursorType);
      }
      const payloadJson = JSON.stringify(record);
      return { sourceKey, payloadJson, hash: shortSha256(payloadJson) };
    });
    // The next page's cursor goes into the checkpoint (jsonb), which cannot hold U+0000 either.
    if (containsNul(page.next)) throw new ResponseFormatError(page.url, `the next-page cursor of page ${checkpoint.pages + 1} ${NUL_REASON}`);
    for (const w of page.warnings ?? []) if (!warnings.includes(w)) warnings.push(w);
    const pages = checkpoint.pages + 1;
    const total = checkpoint.records + records.length;
    const cappedBy = stream.maxPages !== undefined && pages >= stream.maxPages ? 'maxPages' : stream.maxRecords !== undefined && total >= stream.maxRecords ? 'maxRecords' : undefined;
    checkpoint = {
      pages,
      records: total,
      state: page.next,
      done: page.next === null || cappedBy !== undefined,
      reportedTotal: page.reportedTotal ?? checkpoint.reportedTotal,
      paginationType: page.paginationType ?? checkpoint.paginationType,
    };
    // The chunk's last page commits durably (flushing the pages before it) before the chunk
    // reports back; a Postgres crash before that loses pages and checkpoint together.
    const lastOfChunk = checkpoint.done || i + 1 >= opts.maxPages;
    const staged = stagePage(db, key, { seq: pages, records, fetchedAt, checkpoint, lazyCommit: !lastOfChunk });
    if (!lastOfChunk) {
      // The next request depends only on this page's cursor: fetch it while this page is staged.
      next = reader.readPage(checkpoint.state as never);
      // Should staging fail, the prefetched page is dropped with its error.
      next.catch(() => {});
    }
    await staged;
    if (opts.incremental && pageMax !== undefined) {
      const next = maxCursor(cursorMax, pageMax, opts.incremental.cursorType);
      if (next !== cursorMax) {
        cursorMax = next;
        await recordRunCursorMax(db, key, next!);
      }
    }
    opts.onPage?.({ ...progressOf(checkpoint, cappedBy), ...extras() });
    if (cappedBy) return { ...progressOf(checkpoint, cappedBy), ...extras() };
  }
  return { ...progressOf(checkpoint), ...extras() };
}

function progressOf(cp: FetchCheckpoint, cappedBy?: 'maxPages' | 'maxRecords'): FetchProgress {
  const truncated = cp.done && !cappedBy && cp.reportedTotal !== null && cp.records < cp.reportedTotal;
  return {
    pages: cp.pages,
    records: cp.records,
    done: cp.done,
    paginationType: cp.paginationType,
    reportedTotal: cp.reportedTotal,
    ...(truncated ? { truncation: `the API reported ${cp.reportedTotal} records but ${cp.records} arrived` } : {}),
    ...(cappedBy ? { cappedBy } : {}),
  };
}
