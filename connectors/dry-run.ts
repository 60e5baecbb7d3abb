import { sideloadKeyPaths } from '../config/entities/sideload-path.js';
import { configDir } from '../config/config-origin.js';
import type { TributaryConfig } from '../config/tributary-config.js';
import { createMemoryRefreshTokenStore } from './auth/refresh-token-store.js';
import { createTokenCache } from './auth/token-cache.js';
import { createStreamReader } from './create-stream-reader.js';
import type { PaginationState } from './pagination/paginator.js';
import type { ParentRecords } from './fan-out-reader.js';
import { type IntrospectedSchema, introspectSchema, validateQuery } from './graphql/introspect-schema.js';
import { loadQuery } from './graphql/load-query.js';
import { createHttpClient } from './http/http-client.js';
import { createSourceClient } from './source-client.js';
import { pageConcurrency } from './rate-limit/page-concurrency.js';
import { createRateLimiterRegistry } from './rate-limit/rate-limiter.js';
import { createSecretResolver } from '../secrets/resolve-secret.js';
import { type SecretMasker, createSecretMasker } from '../secrets/secret-masker.js';
import type { RefreshTokenStore } from './auth/refresh-token-store.js';

/** What a dry run saw of one stream. */
export interface DryRunResult {
  readonly stream: string;
  readonly pages: number;
  readonly records: number;
  readonly paginationType: string;
  readonly hasMore: boolean;
  readonly reportedTotal?: number;
  readonly samples: readonly unknown[];
  /** The first page's records, and each one's raw JSON as the API sent it when it could be sliced from the body. */
  readonly firstPage: { readonly records: readonly unknown[]; readonly texts?: readonly string[] };
  readonly warnings: readonly string[];
  /** How a fetch of this stream pages: `concurrent` (with how many requests in flight) or `serial`, and why. */
  readonly paging: { readonly mode: 'concurrent' | 'serial'; readonly inFlight: number; readonly why: string };
}

/** Connector deps outside a worker: process env secrets, an in-memory token store unless one is given. */
export function standaloneDeps(opts: { env?: NodeJS.ProcessEnv; refreshTokens?: RefreshTokenStore } = {}) {
  const masker: SecretMasker = createSecretMasker();
  return {
    masker,
    http: createHttpClient({ masker }),
    secrets: createSecretResolver(masker, opts.env ?? process.env, 'your shell or a .env file next to the config (or in this directory)'),
    tokens: createTokenCache(),
    refreshTokens: opts.refreshTokens ?? createMemoryRefreshTokenStore(),
    rateLimits: createRateLimiterRegistry(),
  };
}

/**
 * Fetches the first `pages` pages of a stream without staging anything, and returns samples and
 * the pagination used (detected, for `auto`). A child stream uses the first record of its
 * parent's first page. Incremental streams start from their configured initial value.
 */
export async function dryRunStream(config: TributaryConfig, sourceName: string, streamName: string, pages: number, deps: ReturnType<typeof standaloneDeps>): Promise<DryRunResult> {
  const source = config.sources[sourceName]!;
  const stream = source.streams[streamName]!;
  let parents: ParentRecords | undefined;
  if (source.type === 'rest' && 'parent' in stream && stream.parent) {
    const parent = await dryRunStream(config, sourceName, stream.parent.stream, 1, deps);
    const first = parent.samples[0];
    parents = { at: async () => (first === undefined ? undefined : { position: '1', record: first }), after: async (p) => (p === '0' && first !== undefined ? { position: '1', record: first } : undefined), positionsAfter: async () => [] };
  }
  const initial = stream.incremental?.initial;
  const { reader } = await createStreamReader(sourceName, source, streamName, deps, {
    context: initial === undefined ? {} : { incremental: { start: initial } },
    baseDir: configDir(config),
    sideloadKeyPaths: sideloadKeyPaths(config, `${sourceName}.${streamName}`),
    ...(parents ? { parents } : {}),
  });
  let state = null;
  let records = 0;
  let n = 0;
  let type = reader.paginationType;
  let reportedTotal: number | undefined;
  const samples: unknown[] = [];
  const warnings: string[] = [];
  let firstPage: DryRunResult['firstPage'] = { records: [] };
  for (; n < pages; ) {
    const page = await reader.readPage(state);
    n++;
    if (n === 1) firstPage = { records: page.records, ...(page.texts ? { texts: page.texts } : {}) };
    records += page.records.length;
    if (samples.length < 3) samples.push(...page.records.slice(0, 3 - samples.length));
    type = page.paginationType ?? type;
    reportedTotal = page.reportedTotal ?? reportedTotal;
    warnings.push(...(page.warnings ?? []));
    state = page.next as never;
    if (!state) break;
  }
  const paging = await pagingOf(reader, state, pageConcurrency(source));
  return { stream: streamName, pages: n, records, paginationType: type, hasMore: state !== null, ...(reportedTotal === undefined ? {} : { reportedTotal }), samples, firstPage, warnings, paging };
}

/** Whether a fetch requests this stream's pages concurrently, judged from where the dry run stopped. */
async function pagingOf(reader: Awaited<ReturnType<typeof createStreamReader>>['reader'], state: PaginationState | null, limit: number): Promise<DryRunResult['paging']> {
  const serial = (why: string) => ({ mode: 'serial' as const, inFlight: 1, why });
  if (!reader.ahead) return serial(`each page's request depends on the previous response (${reader.paginationType})`);
  if (limit <= 1) return serial('rateLimit.maxConcurrency is 1');
  // A dry run fans out over one parent only; a fetch requests the next parents' children ahead.
  if (reader.paginationType.endsWith('per parent')) return { mode: 'concurrent', inFlight: limit, why: `children of up to ${limit} parents at once` };
  if (state === null) return serial('the stream ended within the pages read');
  const ahead = await reader.ahead(state, limit - 1);
  if (ahead.length === 0) return serial('the upstream reports no page count or total, so the pages after the next are unknown');
  return { mode: 'concurrent', inFlight: limit, why: `up to ${limit} pages in flight once the page count is known` };
}


/** Introspects a GraphQL source and validates each stream's query against its schema. */
export async function introspectSource(config: TributaryConfig, sourceName: string, deps: ReturnType<typeof standaloneDeps>): Promise<{ schema: IntrospectedSchema; problems: Record<string, string[]> }> {
  const source = config.sources[sourceName];
  if (!source || source.type !== 'graphql') throw new Error(`source "${sourceName}" is not a GraphQL source`);
  const { http, auth } = createSourceClient(sourceName, source, deps);
  const schema = await introspectSchema({ http, auth, url: source.url, headers: source.headers, timeoutMs: source.timeoutMs });
  const problems: Record<string, string[]> = {};
  for (const [name, stream] of Object.entries(source.streams)) problems[name] = validateQuery(schema.schema, await loadQuery(stream, configDir(config)));
  return { schema, problems };
}
