import type { SourceConfig } from '../config/source-config.js';
import type { RefreshTokenStore } from './auth/refresh-token-store.js';
import { createAuthenticator } from './auth/create-authenticator.js';
import type { TokenCache } from './auth/token-cache.js';
import { type ParentRecords, createFanOutReader } from './fan-out-reader.js';
import { createGraphqlStreamReader } from './graphql/graphql-stream-reader.js';
import { loadQuery } from './graphql/load-query.js';
import type { HttpClient } from './http/http-client.js';
import { type RequestStats, createSourceHttpClient } from './http/source-http-client.js';
import type { RateLimiterRegistry } from './rate-limit/rate-limiter.js';
import type { TemplateContext } from './request/template.js';
import { createRestStreamReader } from './rest/rest-stream-reader.js';
import type { SecretResolver } from '../secrets/resolve-secret.js';
import type { StreamReader } from './stream-reader.js';

/** What stream readers need from the worker: one HTTP client, secrets, and the shared token, refresh-token and rate-limit state. */
export interface ConnectorDeps {
  readonly http: HttpClient;
  readonly secrets: SecretResolver;
  readonly tokens: TokenCache;
  readonly refreshTokens: RefreshTokenStore;
  readonly rateLimits: RateLimiterRegistry;
}

/** A reader with the request statistics (rate-limit waits, retries) of its activity. */
export interface PreparedReader {
  readonly reader: StreamReader;
  readonly stats: RequestStats;
}

/**
 * The reader for one stream of a source: its requests go through the source's shared rate
 * limiter with in-activity retries; auth is built from the source's config; templates get
 * `context`; a child stream is fanned out over `parents`; a GraphQL `queryFile` is resolved
 * against `baseDir` (the config file's folder).
 */
export async function createStreamReader(
  sourceName: string,
  source: SourceConfig,
  streamName: string,
  deps: ConnectorDeps,
  opts: { context?: TemplateContext; parents?: ParentRecords; baseDir?: string } = {},
): Promise<PreparedReader> {
  const limiter = deps.rateLimits.forSource(sourceName, source.rateLimit);
  const http = createSourceHttpClient(deps.http, limiter, source);
  const baseUrl = source.type === 'rest' ? source.baseUrl : source.url;
  const auth = createAuthenticator(source.auth, { ...deps, http, source: sourceName, baseUrl, timeoutMs: source.timeoutMs });
  const context = opts.context ?? {};
  if (source.type === 'rest') {
    const stream = source.streams[streamName];
    if (!stream) throw new Error(`unknown stream "${streamName}"; valid: ${Object.keys(source.streams).join(', ')}`);
    const reader = createRestStreamReader(source, stream, { http, auth, context });
    if (!stream.parent) return { reader, stats: http.stats };
    if (!opts.parents) throw new Error(`stream "${streamName}" has parent "${stream.parent.stream}" but no parent records were given`);
    return { reader: createFanOutReader(reader, opts.parents, stream.parent.fields), stats: http.stats };
  }
  const stream = source.streams[streamName];
  if (!stream) throw new Error(`unknown stream "${streamName}"; valid: ${Object.keys(source.streams).join(', ')}`);
  const query = await loadQuery(stream, opts.baseDir ?? process.cwd());
  const throttle = (ms: number) => limiter.pauseUntil(Date.now() + ms);
  return { reader: createGraphqlStreamReader(source, stream, { http, auth, query, context, throttle }), stats: http.stats };
}
