import { type StreamRef, streamKey } from '../core/stream-key.js';
import type { Kysely } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import { hasChildStreams } from '../config/sources/source-config.js';
import { ConfigError } from '../config/config-error.js';
import { configDir } from '../config/config-origin.js';
import { sideloadKeyPaths } from '../config/entities/sideload-path.js';
import { changeFilterOf } from '../config/entities/mapping-fingerprint.js';
import { hasLatestRecords } from '../store/staging/latest-records.js';
import { type ConnectorDeps, createStreamReader } from '../connectors/create-stream-reader.js';
import type { ParentRecord } from '../connectors/fan-out-reader.js';
import { loadQuery } from '../connectors/graphql/load-query.js';
import { pageConcurrency } from '../connectors/rate-limit/page-concurrency.js';
import { createSourceClient } from '../connectors/source-client.js';
import type { TemplateContext } from '../connectors/request/template.js';
import type { Database } from '../store/database-schema.js';
import type { CopyPool } from '../store/staging/stage-page-copy.js';
import { type ChangeFilter, type FetchCheckpoint, readCheckpoint } from '../store/staging/staging-store.js';
import { pinRunStart, readWatermark } from '../store/watermark-store.js';
import { type FetchProgress, fetchPages } from './fetch-pages.js';
import { graphqlPreflight, recordedDrift } from './graphql-preflight.js';
import { formatStart, incrementalStart } from './incremental.js';
import { stagedParentRecords } from './parent-records.js';

/** What fetching a stream needs: the database, the config and the worker's connector state. */
export interface FetchDeps extends ConnectorDeps {
  readonly db: Kysely<Database>;
  /** The database's pool, to stage records by COPY (about a fifth cheaper than the upsert used without it). */
  readonly copyPool?: CopyPool | undefined;
  readonly config: TributaryConfig;
}

/** Which chunk of which stream of which run. */
export interface FetchStreamInput {
  readonly runId: string;
  readonly source: string;
  readonly stream: string;
  readonly maxPages: number;
  /** `maxPages` counts per page in flight: a stream whose pages are fetched concurrently takes `maxPages × concurrency` (the workflow's chunks). */
  readonly perPageInFlight?: boolean;
  /** The run's data window (ISO); when absent (runs started before it was passed), read from the run row. */
  readonly window?: { readonly start?: string | undefined; readonly end: string };
}

/**
 * One chunk of a stream's fetch, wired from config: request templates get the run's window,
 * the incremental start pinned for the run, and the parent records of a child stream; a GraphQL
 * stream's query is checked against the schema before its first page. The source's client is
 * built once for the chunk (preflight and pages share its rate limiter and statistics).
 */
export async function fetchChunk(
  deps: FetchDeps,
  input: FetchStreamInput,
  hooks: {
    /** Called once with the checkpoint the chunk starts from (undefined before the first page). */
    onStart?: (checkpoint: FetchCheckpoint | undefined) => void;
    onPage?: (progress: FetchProgress) => void;
    warn?: (message: string) => void;
    /** Aborted when the activity is cancelled: ends a child's wait for its parent stream's records. */
    signal?: AbortSignal;
  } = {},
): Promise<FetchProgress> {
  const source = deps.config.sources[input.source];
  const stream = source?.streams[input.stream];
  if (!source || !stream) {
    throw new ConfigError('config', [{ path: `sources.${input.source}`, message: `unknown source or stream "${streamKey(input)}"` }]);
  }
  const { db } = deps;
  const key = { runId: input.runId, source: input.source, stream: input.stream };
  const context: { -readonly [K in keyof TemplateContext]: TemplateContext[K] } = { window: input.window ?? (await readRunWindow(db, input.runId)) };
  // Read once: it decides the GraphQL preflight, is where paging resumes, and is the activity's baseline.
  const checkpoint = await readCheckpoint(db, key);
  hooks.onStart?.(checkpoint);
  const incremental = stream.incremental;
  const parent = source.type === 'rest' && 'parent' in stream ? stream.parent : undefined;
  // A child stream keeps its state per parent: each parent's requests start at that parent's own watermark.
  const perParent = parent !== undefined && (incremental !== undefined || parent.onlyChanged);
  const startFor =
    parent && incremental
      ? (p: ParentRecord) => {
          const start = incrementalStart(p.watermark ?? undefined, incremental);
          return start === undefined ? undefined : formatStart(start, incremental);
        }
      : undefined;
  if (incremental && !parent) {
    // Pinned at the run's first chunk: later chunks and retries use the same start.
    const start = await pinRunStart(db, key, incrementalStart(await readWatermark(db, input.source, input.stream), incremental) ?? null);
    context.incremental = start === null ? {} : { start: formatStart(start, incremental) };
  }
  // Ends a child's waits for parent records when the activity is cancelled, and when the chunk is
  // over: a page requested ahead that is still waiting then stops instead of polling on.
  const chunkOver = new AbortController();
  const signal = hooks.signal ? AbortSignal.any([hooks.signal, chunkOver.signal]) : chunkOver.signal;
  const parents = parent ? stagedParentRecords(db, { ...key, stream: parent.stream }, { signal, ...(perParent ? { child: { stream: input.stream, onlyChanged: parent.onlyChanged } } : {}) }) : undefined;

  const client = createSourceClient(input.source, source, deps);
  let warnings: string[] = [];
  if (source.type === 'graphql') {
    if (checkpoint === undefined) {
      const query = await loadQuery(source.streams[input.stream]!, configDir(deps.config));
      warnings = await graphqlPreflight(db, { runId: input.runId, sourceName: input.source, source, streamName: input.stream, query }, client);
    } else {
      warnings = await recordedDrift(db, input.runId, input.source);
    }
    for (const w of warnings) hooks.warn?.(w);
  }

  const concurrency = pageConcurrency(source);
  const { reader, stats } = await createStreamReader(input.source, source, input.stream, deps, {
    context,
    client,
    baseDir: configDir(deps.config),
    sideloadKeyPaths: sideloadKeyPaths(deps.config, streamKey(input)),
    ...(startFor ? { startFor } : {}),
    ...(parents ? { parents } : {}),
  });
  try {
    return await fetchPages(db, key, source, reader, {
      checkpoint: checkpoint ?? null,
      copyPool: deps.copyPool,
      // Pages fetched concurrently go `concurrency` times as fast: such a chunk takes as many more, and about as long as a serial one.
      maxPages: reader.ahead && input.perPageInFlight ? input.maxPages * concurrency : input.maxPages,
      concurrency,
      stats,
      warnings,
      ...(hooks.onPage ? { onPage: hooks.onPage } : {}),
      ...(incremental ? { incremental } : {}),
      ...(perParent ? { perParent } : {}),
      firstPageAlone: hasChildStreams(source, input.stream),
      changeFilter: await changeFilterFor(db, deps.config, input),
    });
  } finally {
    chunkOver.abort();
  }
}

/** The stream's change filter (`changeFilterOf`), unless none of its records has a latest payload yet (a first load: nothing to compare with). */
async function changeFilterFor(db: Kysely<Database>, config: TributaryConfig, ref: StreamRef): Promise<ChangeFilter | undefined> {
  const filter = changeFilterOf(config, streamKey(ref));
  return filter && (await hasLatestRecords(db, ref)) ? filter : undefined;
}

/** A run's window from its run row (for chunks whose input predates the window being passed). */
async function readRunWindow(db: Kysely<Database>, runId: string): Promise<TemplateContext['window']> {
  const run = await db.selectFrom('tributary.run').select(['window_start', 'window_end']).where('run_id', '=', runId).executeTakeFirst();
  return { ...(run?.window_start ? { start: run.window_start.toISOString() } : {}), ...(run?.window_end ? { end: run.window_end.toISOString() } : {}) };
}
