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
