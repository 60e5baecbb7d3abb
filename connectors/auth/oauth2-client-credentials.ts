import type { OAuth2ClientCredentialsAuth } from '../../config/sources/auth-config.js';
import { ConnectorError, HttpStatusError } from '../connector-error.js';
import type { HttpClient } from '../http/http-client.js';
import type { SecretResolver } from '../../secrets/resolve-secret.js';
import { basicAuthorization } from './basic-authorization.js';
import type { Authenticator } from './authenticator.js';
import { type CachedToken, type TokenCache, isFresh } from './token-cache.js';

/**
 * OAuth2 client-credentials (RFC 6749 section 4.4). The token is cached per worker, refreshed
 * `refreshBeforeSeconds` before it expires (at half its lifetime when that is shorter), and
 * dropped and fetched again after a 401.
 */
export function createOAuth2ClientCredentialsAuthenticator(
  auth: OAuth2ClientCredentialsAuth,
  deps: { secrets: SecretResolver; http: HttpClient; tokens: TokenCache; timeoutMs: number; now?: () => number },
): Authenticator {
  const now = deps.now ?? Date.now;
  let cacheKey: string | undefined;

  async function key(): Promise<string> {
    cacheKey ??= `${auth.tokenUrl}|${await deps.secrets.resolve(auth.clientId)}|${auth.scope ?? ''}`;
    return cacheKey;
  }

  async function fetchToken(): Promise<CachedToken> {
    const clientId = await deps.secrets.resolve(auth.clientId);
    const clientSecret = await deps.secrets.resolve(auth.clientSecret);
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    if (auth.scope) form.scope = auth.scope;
    const headers: Record<string, string> = {};
    if (auth.clientAuth === 'basic') {
      // RFC 6749 2.3.1: form-encode id and secret before base64.
      headers.authorization = basicAuthorization(encodeURIComponent(clientId), encodeURIComponent(clientSecret), deps.secrets);
    } else {
      form.client_id = clientId;
      form.client_secret = clientSecret;
    }
    let response;
    try {
      response = await deps.http.requestJson({ format: 'json', method: 'POST', url: auth.tokenUrl, form, headers, timeoutMs: deps.timeoutMs });
    } catch (err) {
      if (err instanceof HttpStatusError && err.status >= 400 && err.status < 500) {
        throw new ConnectorError('AUTH_FAILED', `OAuth2 token request refused: ${err.message}`, { retryable: false, cause: err });
      }
      throw err;
    }
    const body = response.body as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ConnectorError('AUTH_FAILED', `OAuth2 token response from ${auth.tokenUrl} has no access_token`, { retryable: false });
    }
    deps.secrets.register(body.access_token);
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 3600);
    const issuedAt = now();
    return { accessToken: body.access_token, issuedAt, expiresAt: issuedAt + (Number.isFinite(expiresIn) ? expiresIn : 3600) * 1000 };
  }

  async function token(): Promise<CachedToken> {
    const k = await key();
    const cached = deps.tokens.get(k);
    if (cached && isFresh(cached, auth.refreshBeforeSeconds * 1000, now())) return cached;
    return deps.tokens.dedupe(k, async () => {
      const fresh = await fetchToken();
      deps.tokens.set(k, fresh);
      return fresh;
    });
  }

  return {
    async authorize() {
      return { headers: { authorization: `Bearer ${(await token()).accessToken}` } };
    },
    async refresh() {
      deps.tokens.delete(await key());
      return true;
    },
  };
}
