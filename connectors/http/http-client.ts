import got, { ReadError, RequestError, TimeoutError } from 'got';
import { ConnectorError, HttpStatusError, ResponseFormatError, TruncatedBodyError } from '../connector-error.js';
import type { SecretMasker } from '../../secrets/secret-masker.js';
import { shortSha256 } from '../../core/short-hash.js';
import { describeBody, excerpt } from './describe-body.js';
import { type BodyFormat, type BodyOptions, acceptHeader, formatOf, parseBody } from './parse-body.js';
import { type RedirectPolicy, redirectGuard } from './redirect-guard.js';
import { redactUrl } from './redact-url.js';
import { retryAfterMs } from './retry-after.js';

/** One HTTP request as the connectors describe it. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  readonly form?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** What to do on a redirect to another origin (default: refuse it). */
  readonly redirects?: RedirectPolicy;
  /** The body format expected; without it JSON, XML or CSV by the response's `Content-Type` (JSON when it names none). */
  readonly format?: BodyFormat;
  /** How XML and CSV bodies are read. */
  readonly bodyOptions?: BodyOptions;
}

/** A 2xx response whose body parsed (as JSON, or XML or CSV when asked for or announced). */
export interface JsonResponse {
  readonly status: number;
  /** The final URL (after query parameters). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body parsed without losing a digit (see `parseJsonExact`). */
  readonly body: unknown;
  /** The body's text exactly as received (decompressed), for slicing each record's raw JSON out of it. */
  readonly text: string;
  /** The format the body was parsed as. */
  readonly format: BodyFormat;
}

/** Sends requests and returns parsed JSON, or throws a typed `ConnectorError`. */
export interface HttpClient {
  requestJson(request: HttpRequest): Promise<JsonResponse>;
}

/**
 * An HTTP client over got. got's own retries are limited to one quick retry of idempotent
 * network failures, so they do not multiply the connector's and Temporal's retries; every
 * status and body problem becomes a typed error whose message carries a redacted URL and a
 * masked body excerpt. A redirect to another origin is refused unless the request allows it, and
 * then followed without the request's headers and credential query parameters (got alone would
 * strip only `authorization` and `cookie`): see `redirectGuard`.
 */
export function createHttpClient(opts: { masker: SecretMasker; userAgent?: string; observe?: (e: { url: string; status: number | undefined; durationMs: number }) => void }): HttpClient {
  const client = got.extend({
    throwHttpErrors: false,
    followRedirect: true,
    responseType: 'text',
    retry: { limit: 1, methods: ['GET'], statusCodes: [], errorCodes: ['ECONNRESET', 'EPIPE', 'EAI_AGAIN'] },
    headers: { 'user-agent': opts.userAgent ?? 'tributary/0.1' },
  });
  const mask = (text: string) => opts.masker.mask(text);

  return {
    async requestJson(request) {
      // Query parameters are added to those the URL already has (a next link carries its own).
      const fullUrl = withQuery(request.url, request.query);
      const shownUrl = mask(redactUrl(fullUrl));
      let response;
      const guard = redirectGuard(fullUrl, request.headers ?? {}, request.redirects ?? {});
      // Metrics hook: status (undefined: no response) and latency of every request.
      const started = performance.now();
      const observe = (status: number | undefined) => opts.observe?.({ url: request.url, status, durationMs: performance.now() - started });
      try {
        response = await client(fullUrl, {
          method: request.method,
          headers: { accept: acceptHeader(request.format), ...request.headers },
          ...(request.json !== undefined ? { json: request.json } : {}),
          ...(request.form !== undefined ? { form: { ...request.form } } : {}),
          timeout: { request: request.timeoutMs },
          hooks: { beforeRedirect: [guard.hook] },
        });
      } catch (err) {
        observe(undefined);
        const refused = guard.refused();
        if (refused) throw refused;
        if (err instanceof TimeoutError) {
          throw new ConnectorError('HTTP_TIMEOUT', `request to ${shownUrl} timed out after ${request.timeoutMs} ms`, { retryable: true, cause: err });
        }
        if (err instanceof ReadError || (err instanceof RequestError && /premature close|aborted/i.test(err.message))) {
          throw new TruncatedBodyError(shownUrl, `the connection closed before the body was complete (${err.code})`, err);
        }
        const code = err instanceof RequestError ? err.code : 'UNKNOWN';
        throw new ConnectorError('HTTP_NETWORK', `request to ${shownUrl} failed: ${code} ${mask((err as Error).message)}`, { retryable: true, cause: err });
      }
      observe(response.statusCode);
      const body = response.body;
      const contentType = String(response.headers['content-type'] ?? '');
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw new HttpStatusError(response.statusCode, shownUrl, mask(describeBody(body, contentType)), retryAfterMs(response.headers));
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > Buffer.byteLength(body)) {
        throw new TruncatedBodyError(shownUrl, `got ${Buffer.byteLength(body)} of ${declared} bytes`);
      }
      // A gateway's error page or a cut-off body under a 2xx is a transport fault: retryable.
      const invalid = (reason: string) => new ResponseFormatError(shownUrl, reason, { retryable: true, bodyHash: shortSha256(body) });
      if (/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(body)) {
        throw invalid(`got an HTML page instead of JSON (status ${response.statusCode}): ${mask(describeBody(body, 'text/html'))}`);
      }
      const format = formatOf(contentType, request.format);
      if (!format) throw invalid(`content type ${contentType} is neither JSON, XML nor CSV: ${mask(excerpt(body))}`);
      // A configured format that the response contradicts is a wrong endpoint or a gateway's page.
      const announced = formatOf(contentType, undefined);
      if (request.format && contentType && announced !== request.format && !/text\/plain|octet-stream/i.test(contentType)) {
        throw invalid(`content type ${contentType} is not ${request.format.toUpperCase()}: ${mask(excerpt(body))}`);
      }
      const name = format.toUpperCase();
      if (body.trim() === '' && format !== 'csv') throw invalid(`empty body with status ${response.statusCode} (expected ${name})`);
      try {
        const parsed = parseBody(body, format, request.bodyOptions);
        releaseBody(response);
        return { status: response.statusCode, url: response.url, headers: response.headers, body: parsed, text: body, format };
      } catch (err) {
        // A body that stops mid-value is a cut-off body (worth retrying); anything else is malformed.
        if (/end of (JSON )?(data|input)|Unterminated|unclosed|quote not closed/i.test((err as Error).message)) {
          throw new TruncatedBodyError(shownUrl, `the ${name} body ends early (${body.length} bytes): …${mask(body.slice(-80))}`);
        }
        throw invalid(`body is not valid ${name} (${body.length} bytes, ${mask((err as Error).message)}): ${mask(excerpt(body))}`);
      }
    },
  };
}

/**
 * Drops got's references to a response's body once it is parsed. got's request object stays
 * reachable for a while after its promise settles (until its keep-alive socket serves the next
 * request), and through it the response with the body as text and as a buffer: a page's body
 * thus outlived young-generation collections and was copied into the old generation (about a
 * third of what a fetch promoted there). Dropping them took a fetch's full collections from
 * 70 to 50 per 600k records and its CPU per record down by about 9 % (`bench/micro/fetch-phase.ts`).
 */
function releaseBody(response: { body: unknown; rawBody?: unknown }): void {
  response.body = undefined;
  response.rawBody = undefined;
}

function withQuery(url: string, query?: Readonly<Record<string, string | number | boolean>>): string {
  if (!query) return url;
  try {
    const u = new URL(url);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
    return u.toString();
  } catch {
    return url;
  }
}
