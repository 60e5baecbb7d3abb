import type { OAuth2RefreshTokenAuth } from '../../config/sources/auth-config.js';
import { ConnectorError, HttpStatusError } from '../connector-error.js';
import type { HttpClient } from '../http/http-client.js';
import type { SecretResolver } from '../../secrets/resolve-secret.js';
import { basicAuthorization } from './basic-authorization.js';
import type { Authenticator } from './authenticator.js';
import type { RefreshTokenStore, StoredOAuthTokens } from './refresh-token-store.js';
import { type TokenCache, isFresh } from './token-cache.js';

/**
 * OAuth2 refresh-token grant with rotation. The access token is cached per worker and in the
 * store; getting a new one happens under the store's lock, and a worker that finds a fresh
 * access token there (another worker just rotated) uses it instead of spending the refresh
 * token again. After a 401 the stale token is replaced once, under the same lock.
 */
export function createOAuth2RefreshTokenAuthenticator(
  auth: OAuth2RefreshTokenAuth,
  deps: { source: string; secrets: SecretResolver; http: HttpClient; tokens: TokenCache; refreshTokens: RefreshTokenStore; timeoutMs: number; now?: () => number },
): Authenticator {
  const now = deps.now ?? Date.now;
  const cacheKey = `refresh_token|${deps.source}|${auth.tokenUrl}`;
  const fresh = (t: { expiresAt: number | null; issuedAt?: number }) => isFresh(t, auth.refreshBeforeSeconds * 1000, now());

  async function exchange(current: StoredOAuthTokens): Promise<StoredOAuthTokens> {
    const clientId = await deps.secrets.resolve(auth.clientId);
    const clientSecret = auth.clientSecret ? await deps.secrets.resolve(auth.clientSecret) : undefined;
    const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: current.refreshToken };
    if (auth.scope) form.scope = auth.scope;
    const headers: Record<string, string> = {};
    if (auth.clientAuth === 'basic' && clientSecret !== undefined) {
      headers.authorization = basicAuthorization(encodeURIComponent(clientId), encodeURIComponent(clientSecret), deps.secrets);
    } else {
      form.client_id = clientId;
      if (clientSecret !== undefined) form.client_secret = clientSecret;
    }
    let response;
    try {
      response = await deps.http.requestJson({ format: 'json', method: 'POST', url: auth.tokenUrl, form, headers, timeoutMs: deps.timeoutMs });
    } catch (err) {
      if (err instanceof HttpStatusError && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429) {
        throw new ConnectorError(
          'AUTH_FAILED',
          `OAuth2 refresh token of source "${deps.source}" was refused (${err.message}); it may have been revoked or already spent: put a new one in ${auth.refreshToken}`,
          { retryable: false, cause: err },
        );
      }
      throw err;
    }
    const body = response.body as { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown };
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ConnectorError('AUTH_FAILED', `OAuth2 token response from ${auth.tokenUrl} has no access_token`, { retryable: false });
    }
    deps.secrets.register(body.access_token);
    if (typeof body.refresh_token === 'string') deps.secrets.register(body.refresh_token);
    const expiresIn = Number(body.expires_in ?? 3600);
    return {
      // Providers that do not rotate keep the same refresh token valid.
      refreshToken: typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : current.refreshToken,
      accessToken: body.access_token,
      issuedAt: now(),
      expiresAt: now() + (Number.isFinite(expiresIn) ? expiresIn : 3600) * 1000,
    };
  }

  async function obtain(stale?: string): Promise<string> {
    const initial = await deps.secrets.resolve(auth.refreshToken);
    const next = await deps.refreshTokens.withLock(deps.source, initial, async (current) => {
      // Tokens read back from the store are secrets of this process too.
      deps.secrets.register(current.refreshToken);
      if (current.accessToken) deps.secrets.register(current.accessToken);
      return current.accessToken && current.accessToken !== stale && fresh(current) ? current : exchange(current);
    });
    deps.tokens.set(cacheKey, { accessToken: next.accessToken!, expiresAt: next.expiresAt ?? Number.MAX_SAFE_INTEGER, ...(next.issuedAt === undefined ? {} : { issuedAt: next.issuedAt }) });
    return next.accessToken!;
  }

  let lastToken: string | undefined;
  return {
    async authorize() {
      const cached = deps.tokens.get(cacheKey);
      const token = cached && fresh(cached) ? cached.accessToken : (await deps.tokens.dedupe(cacheKey, async () => {
        const t = await obtain();
        return deps.tokens.get(cacheKey) ?? { accessToken: t, expiresAt: Number.MAX_SAFE_INTEGER };
      })).accessToken;
      lastToken = token;
      return { headers: { authorization: `Bearer ${token}` } };
    },
    async refresh() {
      const stale = lastToken;
      deps.tokens.delete(cacheKey);
      await deps.tokens.dedupe(cacheKey, async () => {
        const t = await obtain(stale);
        return deps.tokens.get(cacheKey) ?? { accessToken: t, expiresAt: Number.MAX_SAFE_INTEGER };
      });
      return true;
    },
  };
}
