import type { AuthConfig } from '../../config/auth-config.js';
import type { HttpClient } from '../http/http-client.js';
import type { SecretResolver } from '../secrets/resolve-secret.js';
import type { Authenticator } from './authenticator.js';
import { createOAuth2ClientCredentialsAuthenticator } from './oauth2-client-credentials.js';
import { createStaticAuthenticator } from './static-authenticators.js';
import type { TokenCache } from './token-cache.js';

/** What authenticators may need from their surroundings. */
export interface AuthDeps {
  readonly secrets: SecretResolver;
  readonly http: HttpClient;
  readonly tokens: TokenCache;
  readonly timeoutMs: number;
}

/** The authenticator for an auth config. */
export function createAuthenticator(auth: AuthConfig, deps: AuthDeps): Authenticator {
  switch (auth.type) {
    case 'oauth2_client_credentials':
      return createOAuth2ClientCredentialsAuthenticator(auth, deps);
    default:
      return createStaticAuthenticator(auth, deps.secrets);
  }
}
