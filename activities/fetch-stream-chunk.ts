import { Context } from '@temporalio/activity';
import { ConfigError } from '../config/config-error.js';
import { createStreamReader } from '../connectors/create-stream-reader.js';
import { fetchStreamChunk } from '../ingest/fetch-stream-chunk.js';
import type { FetchChunkInput, FetchProgress } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/** Fetches and stages up to `maxPages` pages of a stream, resuming from its checkpoint; heartbeats each page. */
export function fetchStreamChunkActivity(deps: ActivityDeps) {
  return async (input: FetchChunkInput): Promise<FetchProgress> => {
    const source = deps.config.sources[input.source];
    if (!source?.streams[input.stream]) {
      throw new ConfigError('config', [{ path: `sources.${input.source}`, message: `unknown source or stream "${input.source}.${input.stream}"` }]);
    }
    const reader = createStreamReader(source, input.stream, deps);
    const ctx = Context.current();
    return fetchStreamChunk(deps.db, input, source, reader, { maxPages: input.maxPages, onPage: (progress) => ctx.heartbeat(progress) });
  };
}
