/** Stable codes of connector errors. */
export type ConnectorErrorCode =
  | 'HTTP_STATUS'
  | 'HTTP_NETWORK'
  | 'HTTP_TIMEOUT'
  | 'RESPONSE_FORMAT'
  | 'HTTP_TRUNCATED'
  | 'AUTH_FAILED'
  | 'CROSS_ORIGIN'
  | 'GRAPHQL_ERRORS'
  | 'GRAPHQL_VALIDATION'
  | 'GRAPHQL_COST'
  | 'RATE_LIMITED'
  | 'PAGINATION_UNDETECTED'
  | 'STREAM_INCOMPLETE'
  | 'DUPLICATE_KEYS'
  | 'TEMPLATE';

/**
 * Base of every error a connector throws. `retryable` says whether trying again later may
 * succeed; `retryAfterMs` carries the server's wish (Retry-After) when it gave one.
 */
export class ConnectorError extends Error {
  /** Stable error code. */
  readonly code: ConnectorErrorCode;
  /** Whether a later attempt may succeed. */
  readonly retryable: boolean;
  /** How long the server asked us to wait, if it said. */
  readonly retryAfterMs: number | undefined;

  constructor(code: ConnectorErrorCode, message: string, opts: { retryable: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ConnectorError';
    this.code = code;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** A response with a status that is not 2xx. 408/429/5xx are retryable; other 4xx are not. */
export class HttpStatusError extends ConnectorError {
  /** The HTTP status. */
  readonly status: number;

  constructor(status: number, url: string, bodyExcerpt: string, retryAfterMs?: number) {
    const retryable = status === 408 || status === 429 || status >= 500;
    super(status === 401 || status === 403 ? 'AUTH_FAILED' : 'HTTP_STATUS', `HTTP ${status} from ${url}${bodyExcerpt ? `: ${bodyExcerpt}` : ''}`, {
      retryable,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
    this.name = 'HttpStatusError';
    this.status = status;
  }
}

/**
 * The body was not what the stream expects (malformed JSON, an HTML error page, a wrong content
 * type, no records array). A body that is not JSON at all is `retryable` (a proxy's error page,
 * a cut-off response: transport faults) and carries `bodyHash`, so a client seeing the very same
 * invalid body again can tell a broken endpoint from a passing fault; a well-formed body of the
 * wrong shape is not retryable.
 */
export class ResponseFormatError extends ConnectorError {
  /** A hash of the invalid body, when the body itself was the problem. */
  readonly bodyHash: string | undefined;
  /** What was wrong, without the URL. */
  readonly reason: string;
  /** The (redacted) URL of the response. */
  readonly url: string;

  constructor(url: string, reason: string, opts: { retryable?: boolean; bodyHash?: string } = {}) {
    super('RESPONSE_FORMAT', `unexpected response from ${url}: ${reason}`, { retryable: opts.retryable ?? false });
    this.name = 'ResponseFormatError';
    this.bodyHash = opts.bodyHash;
    this.reason = reason;
    this.url = url;
  }
}

/** A next-page link pointed at another origin, which is refused unless the config allows it. */
export class CrossOriginError extends ConnectorError {
  constructor(from: string, to: string) {
    super('CROSS_ORIGIN', `next page link leaves the configured origin (${from} -> ${to}); set allowCrossOrigin: true to follow it (auth headers are never sent there)`, { retryable: false });
    this.name = 'CrossOriginError';
  }
}

/** The body ended before it was complete (connection cut, short Content-Length, JSON cut off). Retryable. */
export class TruncatedBodyError extends ConnectorError {
  constructor(url: string, reason: string, cause?: unknown) {
    super('HTTP_TRUNCATED', `truncated response from ${url}: ${reason}`, { retryable: true, ...(cause === undefined ? {} : { cause }) });
    this.name = 'TruncatedBodyError';
  }
}

/** The source's own rate limit (reported in headers or GraphQL cost data) asks for a wait longer than an activity should sleep. */
export class RateLimitedError extends ConnectorError {
  constructor(what: string, retryAfterMs: number) {
    super('RATE_LIMITED', `${what}: rate limit exhausted, retry in ${Math.ceil(retryAfterMs / 1000)} s`, { retryable: true, retryAfterMs });
    this.name = 'RateLimitedError';
  }
}
