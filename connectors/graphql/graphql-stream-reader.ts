import type { GraphqlSourceConfig, GraphqlStreamConfig } from '../../config/sources/source-config.js';
import { compileJsonPath } from '../../core/json-path.js';
import type { Authenticator } from '../auth/authenticator.js';
import { sendAuthorized } from '../auth/send-authorized.js';
import { ConnectorError, RateLimitedError, ResponseFormatError } from '../connector-error.js';
import type { HttpClient } from '../http/http-client.js';
import { redactUrl } from '../http/redact-url.js';
import { sliceRecords } from '../json/slice-records.js';
import { relayPaginator } from '../pagination/relay-paginator.js';
import { type TemplateContext, renderJson } from '../request/template.js';
import type { StreamReader } from '../stream-reader.js';
import { parse } from 'graphql';
import { costPauseMs, estimateQueryCost, isThrottled, reportedQueryCost } from './query-cost.js';

type GraphqlError = { message?: string; path?: unknown[]; extensions?: { code?: unknown } };

/**
 * Reads a GraphQL stream from a Relay connection: one POST per page with `$first`/`$after`,
 * records flattened from `edges[].node` (or `nodes`), and further through `recordsPath` when
 * set. `errors` in a 200 response fail the page unless `allowPartialData`; a throttled query
 * or exhausted cost budget (GitHub `rateLimit`, Shopify `extensions.cost`) holds the source's
 * requests through `throttle`, or fails retryably with the wait when it is long.
 *
 * With `maxRunCost`, the cost each page reported (or, when the API reports none, the query's
 * static estimate, at least 1) is added up in the pagination state, so it is checkpointed with
 * the staged pages and survives chunks and retries. A page that would take the total over the
 * budget (judged by the previous page's cost) is not requested: the stream fails non-retryably.
 */
export function createGraphqlStreamReader(
  source: GraphqlSourceConfig,
  stream: GraphqlStreamConfig,
  deps: { http: HttpClient; auth: Authenticator; query: string; context?: TemplateContext; throttle?: (ms: number) => void; now?: () => number },
): StreamReader {
  const paginator = relayPaginator(stream);
  const connection = compileJsonPath(stream.connectionPath);
  const nested = stream.recordsPath ? compileJsonPath(stream.recordsPath) : undefined;
  const shown = redactUrl(source.url);
  const now = deps.now ?? Date.now;
  const ctx = deps.context ?? {};
  const start = ctx.incremental?.start;
  const incremental = stream.incremental?.param && start !== undefined ? { [stream.incremental.param]: start } : {};
  let document: ReturnType<typeof parse> | undefined;
  // Without a reported cost a page counts its static estimate, and every request at least 1.
  const estimatedCost = (variables: Readonly<Record<string, unknown>>) => {
    try {
      document ??= parse(deps.query);
      return Math.max(1, estimateQueryCost(document, variables));
    } catch {
      return 1;
    }
  };

  return {
    paginationType: paginator.type,
    async readPage(state) {
      const patch = paginator.request(state);
      const variables = { ...(renderJson(stream.variables, ctx) as object), ...incremental, ...patch.body };
      const spent = typeof state?.spent === 'number' ? state.spent : 0;
      const lastCost = typeof state?.lastCost === 'number' ? state.lastCost : undefined;
      if (stream.maxRunCost !== undefined) {
        // The first page is always sent (maxQueryCost guards a single query); later pages cost about what the last one did.
        const expected = lastCost ?? 0;
        if (spent + expected > stream.maxRunCost) {
          throw new ConnectorError(
            'GRAPHQL_COST',
            `GraphQL cost budget of ${shown} exhausted: this run's pages spent ${spent} points and the next would cost about ${expected}, over maxRunCost ${stream.maxRunCost}. ` +
              'The stream stops here and fails (pages staged so far are not merged); raise maxRunCost, lower pageSize, or narrow the query',
            { retryable: false },
          );
        }
      }
      const send = () =>
        sendAuthorized(deps.auth, (auth) =>
          deps.http.requestJson({
            format: 'json',
            method: 'POST',
            url: source.url,
            query: { ...auth.query },
            headers: { ...source.headers, ...auth.headers },
            json: { query: deps.query, variables },
            timeoutMs: stream.timeoutMs ?? source.timeoutMs,
          }),
        );
      const warnings: string[] = [];
      let response;
      let body: { data?: unknown; errors?: GraphqlError[] };
      for (let attempt = 0; ; attempt++) {
        response = await send();
        body = response.body as typeof body;
        const pause = costPauseMs(body, now());
        if (pause > 0) deps.throttle?.(pause);
        if (!Array.isArray(body.errors) || body.errors.length === 0) break;
        const messages = body.errors.slice(0, 3).map((e) => `${e.message ?? 'error'}${e.path ? ` (at ${e.path.join('.')})` : ''}`);
        if (isThrottled(body.errors)) {
          // Wait out the throttle through the source's limiter (which gives up when the wait is long).
          if (!deps.throttle || attempt >= 3) throw new RateLimitedError(`GraphQL query of ${shown} was throttled (${messages.join('; ')})`, Math.max(pause, 1000));
          deps.throttle(Math.max(pause, 1000));
          continue;
        }
        if (!stream.allowPartialData || body.data === null || body.data === undefined) {
          throw new ConnectorError('GRAPHQL_ERRORS', `GraphQL errors from ${shown}: ${messages.join('; ')}${body.data ? ' (set allowPartialData: true to keep the data that came with them)' : ''}`, { retryable: false });
        }
        warnings.push(`partial data from ${shown}: ${messages.join('; ')}`);
        break;
      }
      const conn = connection.first(body) as { edges?: Array<{ node?: unknown }>; nodes?: unknown[] } | undefined;
      if (!conn || typeof conn !== 'object') {
        throw new ResponseFormatError(shown, `no connection at ${stream.connectionPath}`);
      }
      const nodes = Array.isArray(conn.edges) ? conn.edges.map((e) => e.node) : Array.isArray(conn.nodes) ? conn.nodes : undefined;
      if (!nodes) throw new ResponseFormatError(shown, `the connection at ${stream.connectionPath} has neither edges nor nodes`);
      // A partial response may null out individual nodes; they are dropped, and said so above.
      const kept = (n: unknown) => n !== null && n !== undefined;
      const present = nodes.filter(kept);
      const records = nested ? present.flatMap((n) => flatten(nested.multi ? nested.all(n) : nested.first(n))) : present;
      // Each node's text as sent; flattened records are serialized instead.
      const nodeTexts = nested ? undefined : sliceRecords(response.text, Array.isArray(conn.edges) ? `${stream.connectionPath}.edges[*].node` : `${stream.connectionPath}.nodes`);
      const texts = nodeTexts?.length === nodes.length ? nodeTexts.filter((_, i) => kept(nodes[i])) : undefined;
      // Pagination follows the outer connection, whatever the flattening yields.
      const step = paginator.next(state, { body, headers: response.headers, url: response.url, recordCount: nodes.length });
      let next = step.next;
      if (stream.maxRunCost !== undefined && next !== null) {
        const cost = reportedQueryCost(body) ?? estimatedCost(variables);
        next = { ...next, spent: spent + cost, lastCost: cost };
      }
      return {
        records,
        ...(texts ? { texts } : {}),
        next,
        url: shown,
        ...(step.reportedTotal === undefined || nested ? {} : { reportedTotal: step.reportedTotal }),
        ...(step.incomplete ? { incomplete: step.incomplete } : {}),
        ...(warnings.length ? { warnings } : {}),
      };
    },
  };
}

function flatten(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v) => (v && typeof v === 'object' && 'node' in v ? [(v as { node: unknown }).node] : [v]));
  const conn = value as { edges?: Array<{ node?: unknown }>; nodes?: unknown[] };
  if (Array.isArray(conn.edges)) return conn.edges.map((e) => e.node);
  if (Array.isArray(conn.nodes)) return conn.nodes;
  return [value];
}
