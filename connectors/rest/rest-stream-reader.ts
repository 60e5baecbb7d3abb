import type { RestSourceConfig, RestStreamConfig } from '../../config/source-config.js';
import type { Authenticator } from '../auth/authenticator.js';
import { CrossOriginError, HttpStatusError } from '../connector-error.js';
import type { HttpClient, HttpRequest } from '../http/http-client.js';
import { redactUrl } from '../http/redact-url.js';
import { createRestPaginator } from '../pagination/rest-paginators.js';
import { selectRecords } from '../select-records.js';
import type { StreamReader } from '../stream-reader.js';

/**
 * Reads a REST stream: builds each page's request from the stream config and the paginator,
 * authenticates it (auth is never sent to another origin), refreshes credentials once after a
 * 401, and selects the records from the body.
 */
export function createRestStreamReader(source: RestSourceConfig, stream: RestStreamConfig, deps: { http: HttpClient; auth: Authenticator }): StreamReader {
  const paginator = createRestPaginator(stream.pagination);
  // The path is appended to the base URL, keeping any path prefix the base has (`https://x/api` + `/v1/a`).
  const streamUrl = new URL(`${source.baseUrl.replace(/\/+$/, '')}/${stream.path.replace(/^\/+/, '')}`);
  const origin = streamUrl.origin;

  return {
    paginationType: paginator.type,
    async readPage(state) {
      const patch = paginator.request(state);
      const url = patch.url ?? streamUrl.toString();
      const sameOrigin = new URL(url).origin === origin;
      const allowCross = 'allowCrossOrigin' in stream.pagination && stream.pagination.allowCrossOrigin;
      if (!sameOrigin && !allowCross) throw new CrossOriginError(origin, new URL(url).origin);

      const send = async (): Promise<Awaited<ReturnType<HttpClient['requestJson']>>> => {
        const auth = sameOrigin ? await deps.auth.authorize() : {};
        const request: HttpRequest = {
          method: stream.method,
          url,
          // A next link already carries its query; only the first request gets the static params.
          query: { ...(patch.url ? {} : stream.params), ...patch.query, ...auth.query },
          headers: { ...source.headers, ...auth.headers },
          ...(stream.method === 'POST' ? { json: { ...stream.body, ...patch.body } } : {}),
          timeoutMs: stream.timeoutMs ?? source.timeoutMs,
        };
        return deps.http.requestJson(request);
      };

      let response;
      try {
        response = await send();
      } catch (err) {
        if (err instanceof HttpStatusError && err.status === 401 && sameOrigin && (await deps.auth.refresh())) {
          response = await send();
        } else {
          throw err;
        }
      }
      const shown = redactUrl(response.url);
      const records = selectRecords(response.body, stream.recordsPath, shown);
      const step = paginator.next(state, { body: response.body, headers: response.headers, url: response.url, recordCount: records.length });
      return { records, next: step.next, url: shown, ...(step.reportedTotal === undefined ? {} : { reportedTotal: step.reportedTotal }) };
    },
  };
}
