/** An HTTP error with the status to answer and a message for the caller. */
export class HttpError extends Error {
  /** The HTTP status. */
  readonly status: 400 | 401 | 403 | 404 | 503;
  constructor(status: HttpError['status'], message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
  }
}
