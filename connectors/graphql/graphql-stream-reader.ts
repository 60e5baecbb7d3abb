import type { GraphqlSourceConfig, GraphqlStreamConfig } from '../../config/source-config.js';
import { compileJsonPath } from '../../core/json-path.js';
import type { Authenticator } from '../auth/authenticator.js';
import { ConnectorError, HttpStatusError, ResponseFormatError } from '../connector-error.js';
import type { HttpClient } from '../http/http-client.js';
import { redactUrl } from '../http/redact-url.js';
import { relayPaginator } from '../pagination/relay-paginator.js';
import type { StreamReader } from '../stream-reader.js';

/**
 * Reads a GraphQL stream from a Relay connection: one POST per page with `$first`/`$after`,
 * records flattened from `edges[].node` (or `nodes`). `errors` in a 200 response fail the page.
 */
export function createGraphqlStreamReader(source: GraphqlSourceConfig, stream: GraphqlStreamConfig, deps: { http: HttpClient; auth: Authenticator }): StreamReader {
  const paginator = relayPaginator(stream);
  const connection = compileJsonPath(stream.connectionPath);
  const shown = redactUrl(source.url);

  return {
    paginationType: paginator.type,
    async readPage(state) {
      const patch = paginator.request(state);
      const send = async () => {
        const auth = await deps.auth.authorize();
        return deps.http.requestJson({
          method: 'POST',
          url: source.url,
          query: { ...auth.query },
          headers: { ...source.headers, ...auth.headers },
          json: { query: stream.query, variables: { ...stream.variables, ...patch.body } },
          timeoutMs: stream.timeoutMs ?? source.timeoutMs,
        });
      };
      let response;
      try {
        response = await send();
      } catch (err) {
        if (err instanceof HttpStatusError && err.status === 401 && (await deps.auth.refresh())) response = await send();
        else throw err;
      }
      const body = response.body as { data?: unknown; errors?: Array<{ message?: string; path?: unknown[] }> };
      if (Array.isArray(body.errors) && body.errors.length > 0) {
        const messages = body.errors.slice(0, 3).map((e) => `${e.message ?? 'error'}${e.path ? ` (at ${e.path.join('.')})` : ''}`);
        throw new ConnectorError('GRAPHQL_ERRORS', `GraphQL errors from ${shown}: ${messages.join('; ')}`, { retryable: false });
      }
      const conn = connection.first(body) as { edges?: Array<{ node?: unknown }>; nodes?: unknown[] } | undefined;
      if (!conn || typeof conn !== 'object') {
        throw new ResponseFormatError(shown, `no connection at ${stream.connectionPath}`);
      }
      const records = Array.isArray(conn.edges) ? conn.edges.map((e) => e.node) : Array.isArray(conn.nodes) ? conn.nodes : undefined;
      if (!records) throw new ResponseFormatError(shown, `the connection at ${stream.connectionPath} has neither edges nor nodes`);
      const step = paginator.next(state, { body, headers: response.headers, url: response.url, recordCount: records.length });
      return { records, next: step.next, url: shown, ...(step.reportedTotal === undefined ? {} : { reportedTotal: step.reportedTotal }) };
    },
  };
}
