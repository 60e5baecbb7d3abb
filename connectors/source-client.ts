import type { SourceConfig } from '../config/sources/source-config.js';
import type { SecretResolver } from '../secrets/resolve-secret.js';
import type { Authenticator } from './auth/authenticator.js';
import { createAuthenticator } from './auth/create-authenticator.js';
import type { RefreshTokenStore } from './auth/refresh-token-store.js';
import type { TokenCache } from './auth/token-cache.js';
import type { HttpClient } from './http/http-client.js';
import { type RequestStats, createSourceHttpClient } from './http/source-http-client.js';
import type { RateLimiter, RateLimiterRegistry } from './rate-limit/rate-limiter.js';

/** What a source's requests need from the worker: one HTTP client, secrets, and the shared token, refresh-token and rate-limit state. */
export interface ConnectorDeps {
  readonly http: HttpClient;
  readonly secrets: SecretResolver;
  readonly tokens: TokenCache;
  readonly refreshTokens: RefreshTokenStore;
  readonly rateLimits: RateLimiterRegistry;
}

/** How one source's requests are sent: through its rate limiter with retries, and authenticated. */
export interface SourceClient {
  /** The source's HTTP client, with the request statistics (waits, retries) of its activity. */
  readonly http: HttpClient & { readonly stats: RequestStats };
  readonly auth: Authenticator;
  /** The source's rate limiter, shared by every activity of the worker. */
  readonly limiter: RateLimiter;
}

/**
 * The one place a source's HTTP client and authenticator are built (stream readers, the GraphQL
 * preflight and introspection, dry runs): requests pass the source's shared rate limiter with
 * in-activity retries, and auth is built from the source's config against that client.
 */
export function createSourceClient(sourceName: string, source: SourceConfig, deps: ConnectorDeps): SourceClient {
  const limiter = deps.rateLimits.forSource(sourceName, source.rateLimit);
  const http = createSourceHttpClient(deps.http, limiter, source);
  const baseUrl = source.type === 'rest' ? source.baseUrl : source.url;
  const auth = createAuthenticator(source.auth, { ...deps, http, source: sourceName, baseUrl, timeoutMs: source.timeoutMs });
  return { http, auth, limiter };
}
