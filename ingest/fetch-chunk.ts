import type { Kysely } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import { ConfigError } from '../config/config-error.js';
import { configDir } from '../config/config-origin.js';
import { createAuthenticator } from '../connectors/auth/create-authenticator.js';
import { type ConnectorDeps, createStreamReader } from '../connectors/create-stream-reader.js';
import { loadQuery } from '../connectors/graphql/load-query.js';
import { createSourceHttpClient } from '../connectors/http/source-http-client.js';
import type { TemplateContext } from '../connectors/request/template.js';
import type { Database } from '../store/database-schema.js';
import { readCheckpoint } from '../store/staging-store.js';
import { pinRunStart, readWatermark } from '../store/watermark-store.js';
import { type FetchProgress, fetchPages } from './fetch-pages.js';
import { graphqlPreflight, recordedDrift } from './graphql-preflight.js';
import { formatStart, incrementalStart } from './incremental.js';
import { stagedParentRecords } from './parent-records.js';

/** What fetching a stream needs: the database, the config and the worker's connector state. */
export interface FetchDeps extends ConnectorDeps {
  readonly db: Kysely<Database>;
  readonly config: TributaryConfig;
}

/** Which chunk of which stream of which run. */
export interface FetchStreamInput {
  readonly runId: string;
  readonly source: string;
  readonly stream: string;
  readonly maxPages: number;
}

/**
 * One chunk of a stream's fetch, wired from config: request templates get the run's window
 * (from its run row), the incremental start pinned for the run, and the parent records of a
 * child stream; a GraphQL stream's query is checked against the schema before its first page.
 */
export async function fetchChunk(
  deps: FetchDeps,
  input: FetchStreamInput,
  hooks: { onPage?: (progress: FetchProgress) => void; warn?: (message: string) => void } = {},
): Promise<FetchProgress> {
  const source = deps.config.sources[input.source];
  const stream = source?.streams[input.stream];
  if (!source || !stream) {
    throw new ConfigError('config', [{ path: `sources.${input.source}`, message: `unknown source or stream "${input.source}.${input.stream}"` }]);
  }
  const { db } = deps;
  const key = { runId: input.runId, source: input.source, stream: input.stream };
  const run = await db.selectFrom('tributary.run').select(['window_start', 'window_end']).where('run_id', '=', input.runId).executeTakeFirst();
  const context: { -readonly [K in keyof TemplateContext]: TemplateContext[K] } = {
    window: { ...(run?.window_start ? { start: run.window_start.toISOString() } : {}), ...(run?.window_end ? { end: run.window_end.toISOString() } : {}) },
  };
  const incremental = stream.incremental;
  if (incremental) {
    // Pinned at the run's first chunk: later chunks and retries use the same start.
    const start = await pinRunStart(db, key, incrementalStart(await readWatermark(db, input.source, input.stream), incremental) ?? null);
    context.incremental = start === null ? {} : { start: formatStart(start, incremental) };
  }
  const parent = source.type === 'rest' && 'parent' in stream ? stream.parent : undefined;
  const parents = parent ? stagedParentRecords(db, { ...key, stream: parent.stream }) : undefined;

  let warnings: string[] = [];
  if (source.type === 'graphql') {
    if ((await readCheckpoint(db, key)) === undefined) {
      const limiter = deps.rateLimits.forSource(input.source, source.rateLimit);
      const http = createSourceHttpClient(deps.http, limiter, source);
      const auth = createAuthenticator(source.auth, { ...deps, http, source: input.source, baseUrl: source.url, timeoutMs: source.timeoutMs });
      const query = await loadQuery(source.streams[input.stream]!, configDir(deps.config));
      warnings = await graphqlPreflight(db, { runId: input.runId, sourceName: input.source, source, streamName: input.stream, query }, { http, auth });
    } else {
      warnings = await recordedDrift(db, input.runId, input.source);
    }
    for (const w of warnings) hooks.warn?.(w);
  }

  const { reader, stats } = await createStreamReader(input.source, source, input.stream, deps, { context, baseDir: configDir(deps.config), ...(parents ? { parents } : {}) });
  return fetchPages(db, key, source, reader, {
    maxPages: input.maxPages,
    stats,
    warnings,
    ...(hooks.onPage ? { onPage: hooks.onPage } : {}),
    ...(incremental ? { incremental } : {}),
  });
}
