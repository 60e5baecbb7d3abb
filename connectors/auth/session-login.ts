import type { SessionAuth } from '../../config/sources/auth-config.js';
import { compileJsonPath } from '../../core/json-path.js';
import { contentHash } from '../../core/stable-json.js';
import { ConnectorError, HttpStatusError } from '../connector-error.js';
import type { HttpClient } from '../http/http-client.js';
import type { SecretResolver } from '../../secrets/resolve-secret.js';
import type { Authenticator } from './authenticator.js';
import type { CachedToken, TokenCache } from './token-cache.js';

/**
 * A session token from a login request: the login body and headers may hold secret
 * references; the token is read at `tokenPath`, cached per worker (until `expiresInPath` /
 * `ttlSeconds` say it expires) and sent as a header or query parameter. A 401 logs in again once.
 */
export function createSessionAuthenticator(
  auth: SessionAuth,
  deps: { baseUrl: string; secrets: SecretResolver; http: HttpClient; tokens: TokenCache; timeoutMs: number; now?: () => number },
): Authenticator {
  const now = deps.now ?? Date.now;
  const loginUrl = new URL(auth.login.url, deps.baseUrl.endsWith('/') ? deps.baseUrl : `${deps.baseUrl}/`).toString();
  // The references, not the secrets, identify the session: two sources with the same login share it.
  const cacheKey = `session|${loginUrl}|${contentHash(auth.login)}`;

  async function login(): Promise<CachedToken> {
    const resolve = async (record: Readonly<Record<string, string>>) =>
      Object.fromEntries(await Promise.all(Object.entries(record).map(async ([k, v]) => [k, await deps.secrets.resolve(v)] as const)));
    const body = await resolve(auth.login.body);
    const headers = await resolve(auth.login.headers);
    let response;
    try {
      response = await deps.http.requestJson({
        format: 'json',
        method: auth.login.method,
        url: loginUrl,
        headers,
        ...(auth.login.method === 'GET' ? { query: body } : auth.login.bodyFormat === 'form' ? { form: body } : { json: body }),
        timeoutMs: deps.timeoutMs,
      });
    } catch (err) {
      if (err instanceof HttpStatusError && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429) {
        throw new ConnectorError('AUTH_FAILED', `login refused: ${err.message}`, { retryable: false, cause: err });
      }
      throw err;
    }
    const token = compileJsonPath(auth.tokenPath).first(response.body);
    if (typeof token !== 'string' || token === '') {
      throw new ConnectorError('AUTH_FAILED', `login response from ${loginUrl} has no token at ${auth.tokenPath}`, { retryable: false });
    }
    deps.secrets.register(token);
    const expiresIn = auth.expiresInPath ? Number(compileJsonPath(auth.expiresInPath).first(response.body)) : auth.ttlSeconds;
    return { accessToken: token, expiresAt: expiresIn !== undefined && Number.isFinite(expiresIn) ? now() + expiresIn * 1000 : Number.MAX_SAFE_INTEGER };
  }

  async function token(): Promise<string> {
    const cached = deps.tokens.get(cacheKey);
    // A few seconds of margin, so a token does not expire between check and use.
    if (cached && cached.expiresAt - 5_000 > now()) return cached.accessToken;
    const fresh = await deps.tokens.dedupe(cacheKey, async () => {
      const t = await login();
      deps.tokens.set(cacheKey, t);
      return t;
    });
    return fresh.accessToken;
  }

  return {
    async authorize() {
      const value = `${auth.prefix}${await token()}`;
      return auth.in === 'header' ? { headers: { [auth.name]: value } } : { query: { [auth.name]: value } };
    },
    async refresh() {
      deps.tokens.delete(cacheKey);
      return true;
    },
  };
}
