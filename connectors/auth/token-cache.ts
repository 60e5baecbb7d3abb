/** A cached access token. */
export interface CachedToken {
  readonly accessToken: string;
  /** Epoch milliseconds after which the token must not be used. */
  readonly expiresAt: number;
}

/**
 * Access tokens shared by every activity of a worker, keyed by token URL and client id, so
 * parallel fetches of one source reuse one token instead of each fetching its own.
 */
export interface TokenCache {
  get(key: string): CachedToken | undefined;
  set(key: string, token: CachedToken): void;
  delete(key: string): void;
  /** Runs `fetch` once for concurrent callers of the same key. */
  dedupe(key: string, fetch: () => Promise<CachedToken>): Promise<CachedToken>;
}

/** An in-memory token cache. */
export function createTokenCache(): TokenCache {
  const tokens = new Map<string, CachedToken>();
  const inFlight = new Map<string, Promise<CachedToken>>();
  return {
    get: (key) => tokens.get(key),
    set: (key, token) => void tokens.set(key, token),
    delete: (key) => void tokens.delete(key),
    dedupe(key, fetch) {
      let pending = inFlight.get(key);
      if (!pending) {
        pending = fetch().finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}
