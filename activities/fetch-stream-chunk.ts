import { Context } from '@temporalio/activity';
import { fetchStream } from '../ingest/fetch-stream.js';
import type { FetchChunkInput, FetchProgress } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/**
 * Fetches and stages up to `maxPages` pages of a stream, resuming from its checkpoint;
 * heartbeats each page and logs warnings (schema drift, partial data) with the run's ids.
 */
export function fetchStreamChunkActivity(deps: ActivityDeps) {
  return async (input: FetchChunkInput): Promise<FetchProgress> => {
    const ctx = Context.current();
    const meta = { runId: input.runId, source: input.source, stream: input.stream };
    return fetchStream(deps, input, { onPage: (progress) => ctx.heartbeat(progress), warn: (message) => ctx.log.warn(message, meta) });
  };
}
