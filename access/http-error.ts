/** An HTTP error with the status to answer and a message for the caller. */
export class HttpError extends Error {
  /** The HTTP status. */
  readonly status: 400 | 401 | 403 | 404 | 413 | 503;
  /** Extra response headers, e.g. `WWW-Authenticate` on a 401. */
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: HttpError['status'], message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

/**
 * A database error caused by the caller's input (SQLSTATE class 22, data exception: a value that
 * does not fit its column type, a date that does not exist, a number out of range, U+0000 in
 * text) as a 400; undefined for any other error. The guard behind the per-type checks, so
 * hostile input never answers 500.
 */
export function inputErrorOf(err: unknown): HttpError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('22')) return undefined;
  return new HttpError(400, `invalid value: ${(err as Error).message}`);
}

/** True when `text` holds U+0000, which no Postgres text value can. */
export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}
