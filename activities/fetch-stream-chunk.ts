import { Context } from '@temporalio/activity';
import { ConfigError } from '../config/config-error.js';
import { createStreamReader } from '../connectors/create-stream-reader.js';
import type { TemplateContext } from '../connectors/request/template.js';
import { fetchStreamChunk } from '../ingest/fetch-stream-chunk.js';
import { graphqlPreflight, recordedDrift } from '../ingest/graphql-preflight.js';
import { formatStart, incrementalStart } from '../ingest/incremental.js';
import { stagedParentRecords } from '../ingest/parent-records.js';
import { createAuthenticator } from '../connectors/auth/create-authenticator.js';
import { createSourceHttpClient } from '../connectors/http/source-http-client.js';
import { loadQuery } from '../connectors/graphql/load-query.js';
import { readCheckpoint } from '../store/staging-store.js';
import { pinRunStart, readWatermark } from '../store/watermark-store.js';
import type { FetchChunkInput, FetchProgress } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/**
 * Fetches and stages up to `maxPages` pages of a stream, resuming from its checkpoint;
 * heartbeats each page. Fills request templates from the run (window, incremental start pinned
 * for the run, parent records) and checks a GraphQL query against the schema before the first page.
 */
export function fetchStreamChunkActivity(deps: ActivityDeps) {
  return async (input: FetchChunkInput): Promise<FetchProgress> => {
    const source = deps.config.sources[input.source];
    const stream = source?.streams[input.stream];
    if (!source || !stream) {
      throw new ConfigError('config', [{ path: `sources.${input.source}`, message: `unknown source or stream "${input.source}.${input.stream}"` }]);
    }
    const key = { runId: input.runId, source: input.source, stream: input.stream };
    const run = await deps.db.selectFrom('tributary.run').select(['window_start', 'window_end']).where('run_id', '=', input.runId).executeTakeFirst();
    const context: { -readonly [K in keyof TemplateContext]: TemplateContext[K] } = {
      window: { ...(run?.window_start ? { start: run.window_start.toISOString() } : {}), ...(run?.window_end ? { end: run.window_end.toISOString() } : {}) },
    };
    const incremental = stream.incremental;
    if (incremental) {
      // Pinned at the run's first chunk: later chunks and retries use the same start.
      const start = await pinRunStart(deps.db, key, incrementalStart(await readWatermark(deps.db, input.source, input.stream), incremental) ?? null);
      context.incremental = start === null ? {} : { start: formatStart(start, incremental) };
    }
    const parents = source.type === 'rest' && 'parent' in stream && stream.parent ? stagedParentRecords(deps.db, { ...key, stream: stream.parent.stream }) : undefined;

    let warnings: string[] = [];
    if (source.type === 'graphql') {
      const first = (await readCheckpoint(deps.db, key)) === undefined;
      if (first) {
        const limiter = deps.rateLimits.forSource(input.source, source.rateLimit);
        const http = createSourceHttpClient(deps.http, limiter, source);
        const auth = createAuthenticator(source.auth, { ...deps, http, source: input.source, baseUrl: source.url, timeoutMs: source.timeoutMs });
        warnings = await graphqlPreflight(deps.db, { runId: input.runId, sourceName: input.source, source, streamName: input.stream, query: await loadQuery(source.streams[input.stream]!) }, { http, auth });
      } else {
        warnings = await recordedDrift(deps.db, input.runId, input.source);
      }
      const ctx = Context.current();
      for (const w of warnings) ctx.log.warn(w, { runId: input.runId, source: input.source, stream: input.stream });
    }

    const { reader, stats } = await createStreamReader(input.source, source, input.stream, deps, { context, ...(parents ? { parents } : {}) });
    const ctx = Context.current();
    return fetchStreamChunk(deps.db, key, source, reader, {
      maxPages: input.maxPages,
      onPage: (progress) => ctx.heartbeat(progress),
      stats,
      warnings,
      ...(incremental ? { incremental } : {}),
    });
  };
}
