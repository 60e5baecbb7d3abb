import type { SourceConfig } from '../config/sources/source-config.js';
import { type ParentRecord, type ParentRecords, createFanOutReader } from './fan-out-reader.js';
import { createGraphqlStreamReader } from './graphql/graphql-stream-reader.js';
import { loadQuery } from './graphql/load-query.js';
import type { RequestStats } from './http/source-http-client.js';
import { type ConnectorDeps, type SourceClient, createSourceClient } from './source-client.js';
import type { TemplateContext } from './request/template.js';
import { createRestStreamReader } from './rest/rest-stream-reader.js';
import type { StreamReader } from './stream-reader.js';

export type { ConnectorDeps } from './source-client.js';

/** A reader with the request statistics (rate-limit waits, retries) of its activity. */
export interface PreparedReader {
  readonly reader: StreamReader;
  readonly stats: RequestStats;
}

/**
 * The reader for one stream of a source: its requests go through the source's client (see
 * `createSourceClient`; built here unless given); templates get
 * `context`; a child stream is fanned out over `parents`; a GraphQL `queryFile` is resolved
 * against `baseDir` (the config file's folder); side-loads are joined by `sideloadKeyPaths`.
 */
export async function createStreamReader(
  sourceName: string,
  source: SourceConfig,
  streamName: string,
  deps: ConnectorDeps,
  opts: {
    context?: TemplateContext;
    parents?: ParentRecords;
    baseDir?: string;
    client?: SourceClient;
    sideloadKeyPaths?: Readonly<Record<string, readonly string[]>>;
    /** A child stream's per-parent incremental start (see `createFanOutReader`). */
    startFor?: (parent: ParentRecord) => string | number | undefined;
  } = {},
): Promise<PreparedReader> {
  const { http, auth, limiter } = opts.client ?? createSourceClient(sourceName, source, deps);
  const context = opts.context ?? {};
  if (source.type === 'rest') {
    const stream = source.streams[streamName];
    if (!stream) throw new Error(`unknown stream "${streamName}"; valid: ${Object.keys(source.streams).join(', ')}`);
    const reader = createRestStreamReader(source, stream, { http, auth, context, ...(opts.sideloadKeyPaths ? { sideloadKeyPaths: opts.sideloadKeyPaths } : {}) });
    if (!stream.parent) return { reader, stats: http.stats };
    if (!opts.parents) throw new Error(`stream "${streamName}" has parent "${stream.parent.stream}" but no parent records were given`);
    return { reader: createFanOutReader(reader, opts.parents, stream.parent.fields, opts.startFor ? { startFor: opts.startFor } : {}), stats: http.stats };
  }
  const stream = source.streams[streamName];
  if (!stream) throw new Error(`unknown stream "${streamName}"; valid: ${Object.keys(source.streams).join(', ')}`);
  const query = await loadQuery(stream, opts.baseDir ?? process.cwd());
  const throttle = (ms: number) => limiter.pauseUntil(Date.now() + ms);
  return { reader: createGraphqlStreamReader(source, stream, { http, auth, query, context, throttle }), stats: http.stats };
}
