/** A cached access token. */
export interface CachedToken {
  readonly accessToken: string;
  /** Epoch milliseconds after which the token must not be used. */
  readonly expiresAt: number;
  /** Epoch milliseconds the token was issued, when known (for short-lived tokens, see `isFresh`). */
  readonly issuedAt?: number;
}

/**
 * Whether a token may still be used at `now`: it is renewed `refreshBeforeMs` before it expires,
 * or at half its lifetime when that is shorter, so a token that lives no longer than the margin
 * is not fetched again for every request. A token without an expiry is always fresh.
 */
export function isFresh(t: { readonly expiresAt: number | null; readonly issuedAt?: number | undefined }, refreshBeforeMs: number, now: number): boolean {
  if (t.expiresAt === null) return true;
  const lifetime = t.issuedAt === undefined ? Number.POSITIVE_INFINITY : t.expiresAt - t.issuedAt;
  return t.expiresAt - Math.min(refreshBeforeMs, lifetime / 2) > now;
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
