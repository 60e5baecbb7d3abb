import type { AuthConfig } from '../../config/sources/auth-config.js';
import type { HttpClient } from '../http/http-client.js';
import type { SecretResolver } from '../../secrets/resolve-secret.js';
import type { Authenticator } from './authenticator.js';
import { createOAuth2ClientCredentialsAuthenticator } from './oauth2-client-credentials.js';
import { createOAuth2RefreshTokenAuthenticator } from './oauth2-refresh-token.js';
import type { RefreshTokenStore } from './refresh-token-store.js';
import { createSessionAuthenticator } from './session-login.js';
import { createStaticAuthenticator } from './static-authenticators.js';
import type { TokenCache } from './token-cache.js';

/** What authenticators may need from their surroundings. */
export interface AuthDeps {
  readonly secrets: SecretResolver;
  readonly http: HttpClient;
  readonly tokens: TokenCache;
  /** Where rotated refresh tokens are kept (Postgres in the worker). */
  readonly refreshTokens: RefreshTokenStore;
  readonly timeoutMs: number;
}

/** The authenticator for a source's auth config; `source` names the source, `baseUrl` resolves relative login URLs. */
export function createAuthenticator(auth: AuthConfig, deps: AuthDeps & { source: string; baseUrl: string }): Authenticator {
  switch (auth.type) {
    case 'oauth2_client_credentials':
      return createOAuth2ClientCredentialsAuthenticator(auth, deps);
    case 'oauth2_refresh_token':
      return createOAuth2RefreshTokenAuthenticator(auth, deps);
    case 'session':
      return createSessionAuthenticator(auth, deps);
    default:
      return createStaticAuthenticator(auth, deps.secrets);
  }
}
