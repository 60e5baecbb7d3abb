import type { RestSourceConfig, RestStreamConfig } from '../../config/sources/source-config.js';
import type { AuthorizationParts, Authenticator } from '../auth/authenticator.js';
import { sendAuthorized } from '../auth/send-authorized.js';
import { CrossOriginError } from '../connector-error.js';
import type { HttpClient, HttpRequest, JsonResponse } from '../http/http-client.js';
import { redactUrl } from '../http/redact-url.js';
import type { BodyOptions } from '../http/parse-body.js';
import { createPaginator } from '../pagination/create-paginator.js';
import { type TemplateContext, renderJson, renderPath, renderRecord } from '../request/template.js';
import { selectRecords } from '../json/select-records.js';
import { sliceRecords } from '../json/slice-records.js';
import { type SideloadSpec, attachSideloads } from '../json/attach-sideloads.js';
import type { StreamReader } from '../stream-reader.js';
import type { PaginationState } from '../pagination/paginator.js';

/**
 * Reads a REST stream: builds each page's request from the stream config (templates filled from
 * the run's context and the parent record) and the paginator, authenticates it (auth is never
 * sent to another origin, and a link to another origin is refused unless allowed), refreshes
 * credentials once after a 401, and selects the records from the body.
 */
export function createRestStreamReader(
  source: RestSourceConfig,
  stream: RestStreamConfig,
  deps: {
    http: HttpClient;
    auth: Authenticator;
    context?: TemplateContext;
    /** Per side-load of the stream, the key paths the mappings join it by (see `sideloadKeyPaths`). */
    sideloadKeyPaths?: Readonly<Record<string, readonly string[]>>;
  },
): StreamReader {
  const paginator = createPaginator(stream.pagination);
  const base = source.baseUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const allowCross = 'allowCrossOrigin' in stream.pagination && stream.pagination.allowCrossOrigin;
  const incrementalParam = stream.incremental?.param;

  const ahead = paginator.ahead?.bind(paginator);
  const sideloads: SideloadSpec[] = Object.entries(stream.sideload ?? {})
    .map(([name, side]) => ({ name, path: side.path, key: side.key, keyPaths: deps.sideloadKeyPaths?.[name] ?? [] }))
    .filter((spec) => spec.keyPaths.length > 0);
  const bodyOptions: BodyOptions = {
    ...(stream.xml ? { xmlArrays: stream.xml.arrays } : {}),
    ...(stream.csv ? { csvDelimiter: stream.csv.delimiter, ...(stream.csv.columns ? { csvColumns: stream.csv.columns } : {}) } : {}),
  };
  return {
    paginationType: paginator.type,
    ...(ahead ? { ahead: async (state: PaginationState | null, count: number) => (state === null ? [] : ahead(state, count)) } : {}),
    async readPage(state, extra) {
      const ctx: TemplateContext = { ...deps.context, ...(extra?.parent !== undefined ? { parent: extra.parent } : {}), ...(extra?.incremental ? { incremental: extra.incremental } : {}) };
      const start = ctx.incremental?.start;
      // The path is appended to the base URL, keeping any path prefix the base has (`https://x/api` + `/v1/a`).
      const streamUrl = `${base}/${renderPath(stream.path, ctx).replace(/^\/+/, '')}`;
      const patch = paginator.request(state);
      const url = patch.url ?? streamUrl;
      const target = new URL(url).origin;
      const sameOrigin = target === origin;
      if (!sameOrigin && !allowCross) throw new CrossOriginError(origin, target);

      const send = (auth: AuthorizationParts): Promise<JsonResponse> => {
        const incremental = incrementalParam && start !== undefined ? { [incrementalParam]: start } : {};
        const request: HttpRequest = {
          method: stream.method,
          url,
          // A next link already carries its query; only the first request gets the configured params.
          query: {
            ...(patch.url ? {} : renderRecord(stream.params, ctx)),
            ...(patch.url || stream.method === 'POST' ? {} : incremental),
            ...patch.query,
            ...auth.query,
          },
          headers: { ...source.headers, ...(renderRecord(stream.headers, ctx) as Record<string, string>), ...auth.headers },
          ...(stream.method === 'POST' ? { json: { ...(renderJson(stream.body ?? {}, ctx) as object), ...incremental, ...patch.body } } : {}),
          timeoutMs: stream.timeoutMs ?? source.timeoutMs,
          // A redirect to another origin is refused, or with allowCrossOrigin followed without credentials.
          redirects: { allowCrossOrigin: allowCross, credentialQuery: Object.keys(auth.query ?? {}) },
          ...(stream.format ? { format: stream.format } : {}),
          bodyOptions,
        };
        return deps.http.requestJson(request);
      };
      // Credentials go to the configured origin only.
      const response = await sendAuthorized(deps.auth, send, { authorize: sameOrigin });
      const shown = redactUrl(response.url);
      const { records, path } = selectRecords(response.body, stream.recordsPath, shown, { format: response.format });
      // The raw text of each record; where it cannot be sliced (a filter path, XML or CSV), records are serialized instead.
      let texts = response.format === 'json' ? sliceRecords(response.text, path) : undefined;
      let joined: readonly unknown[] = records;
      if (sideloads.length > 0) {
        const sliced = texts && texts.length === records.length ? texts : undefined;
        const withSideloads = attachSideloads({ body: response.body, text: response.format === 'json' ? response.text : undefined, records, texts: sliced }, sideloads);
        joined = withSideloads.records;
        texts = withSideloads.texts;
      }
      const step = paginator.next(state, { body: response.body, headers: response.headers, url: response.url, recordCount: records.length });
      return {
        records: joined,
        ...(texts && texts.length === records.length ? { texts } : {}),
        next: step.next,
        url: shown,
        ...(step.reportedTotal === undefined ? {} : { reportedTotal: step.reportedTotal }),
        ...(step.paginationType ? { paginationType: step.paginationType } : {}),
        ...(step.incomplete ? { incomplete: step.incomplete } : {}),
      };
    },
  };
}
