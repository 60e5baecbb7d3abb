/** What an authenticator adds to a request. */
export interface AuthorizationParts {
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
}

/**
 * The contract every auth scheme implements: what to add to a request, and how to recover from
 * a 401 (refresh once, then retry the request once).
 */
export interface Authenticator {
  /** Headers/query parameters for the next request to the source's origin. */
  authorize(): Promise<AuthorizationParts>;
  /** After a 401: drop cached credentials and get new ones; true when a retry is worth it. */
  refresh(): Promise<boolean>;
}
