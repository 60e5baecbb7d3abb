import { Context } from '@temporalio/activity';
import { StreamIncompleteError } from '../ingest/fetch-errors.js';
import { fetchChunk } from '../ingest/fetch-chunk.js';
import type { FetchChunkInput, FetchProgress } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/**
 * Fetches and stages up to `maxPages` pages of a stream, resuming from its checkpoint;
 * heartbeats each staged group of pages and logs warnings (schema drift, partial data) with the run's ids.
 */
export function fetchStreamChunkActivity(deps: ActivityDeps) {
  return async (input: FetchChunkInput): Promise<FetchProgress> => {
    const ctx = Context.current();
    const meta = { runId: input.runId, source: input.source, stream: input.stream };
    // Inputs of runs started before the pipeline was passed: the first pipeline with the source.
    const pipeline = input.pipeline ?? Object.entries(deps.config.pipelines).find(([, p]) => p.sources.includes(input.source))?.[0] ?? '';
    const labels = { pipeline, source: input.source, stream: input.stream };
    // Progress counts are cumulative per stream; metrics count what this chunk added to where it started.
    let last = { pages: 0, records: 0 };
    const count = (p: FetchProgress) => {
      if (deps.metrics) {
        deps.metrics.pagesFetched.inc(labels, Math.max(0, p.pages - last.pages));
        deps.metrics.recordsFetched.inc(labels, Math.max(0, p.records - last.records));
      }
      last = { pages: p.pages, records: p.records };
    };
    const log = deps.log?.child({ ...meta, pipeline: labels.pipeline });
    const result = await fetchChunk(deps, { ...input, perPageInFlight: true }, {
      onStart: (checkpoint) => {
        last = { pages: checkpoint?.pages ?? 0, records: checkpoint?.records ?? 0 };
      },
      onPage: (progress) => {
        count(progress);
        ctx.heartbeat(progress);
      },
      warn: (message) => log?.warn(message),
      signal: ctx.cancellationSignal,
    }).catch((err: unknown) => {
      if (err instanceof StreamIncompleteError) {
        deps.metrics?.streamsIncomplete.inc(labels);
        log?.error({ err: deps.masker.mask(err.message) }, 'stream incomplete');
      }
      throw err;
    });
    count(result);
    if (result.incomplete || result.truncation) {
      deps.metrics?.streamsIncomplete.inc(labels);
      log?.warn({ reason: result.incomplete ?? result.truncation }, 'stream incomplete');
    }
    if (result.duplicates) {
      deps.metrics?.duplicateRecords.inc(labels, result.duplicates);
      log?.warn({ duplicates: result.duplicates }, 'records received twice under one primary key');
    }
    if (deps.metrics && result.rateLimitWaitMs) {
      deps.metrics.rateLimitWaits.inc({ source: input.source });
      deps.metrics.rateLimitWaitSeconds.inc({ source: input.source }, result.rateLimitWaitMs / 1000);
    }
    log?.info({ pages: result.pages, records: result.records, done: result.done }, 'chunk fetched');
    return result;
  };
}
