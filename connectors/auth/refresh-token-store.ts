/** The tokens of a refresh-token source as stored between runs and workers. */
export interface StoredOAuthTokens {
  readonly refreshToken: string;
  readonly accessToken: string | null;
  /** Epoch milliseconds after which the access token must not be used. */
  readonly expiresAt: number | null;
  /** Epoch milliseconds the access token was issued, when known in this process (not stored). */
  readonly issuedAt?: number;
}

/**
 * Where rotated refresh tokens live (Postgres in the worker). `withLock` runs `exchange` while
 * holding an exclusive lock on the source's tokens and stores what it returns before releasing
 * it, so two workers never spend the same refresh token: the second one sees the first one's
 * fresh access token instead.
 */
export interface RefreshTokenStore {
  withLock(source: string, initialRefreshToken: string, exchange: (current: StoredOAuthTokens) => Promise<StoredOAuthTokens>): Promise<StoredOAuthTokens>;
}

/** A process-local store (for dry runs without a database): a mutex per source and a map. */
export function createMemoryRefreshTokenStore(): RefreshTokenStore {
  const tokens = new Map<string, StoredOAuthTokens>();
  const locks = new Map<string, Promise<unknown>>();
  return {
    async withLock(source, initial, exchange) {
      const previous = locks.get(source) ?? Promise.resolve();
      const run = previous.catch(() => undefined).then(async () => {
        const next = await exchange(tokens.get(source) ?? { refreshToken: initial, accessToken: null, expiresAt: null });
        tokens.set(source, next);
        return next;
      });
      locks.set(source, run);
      return run;
    },
  };
}
