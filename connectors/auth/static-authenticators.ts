import type { AuthConfig } from '../../config/sources/auth-config.js';
import type { SecretResolver } from '../../secrets/resolve-secret.js';
import { basicAuthorization } from './basic-authorization.js';
import type { Authenticator, AuthorizationParts } from './authenticator.js';

type StaticAuth = Exclude<AuthConfig, { type: 'oauth2_client_credentials' | 'oauth2_refresh_token' | 'session' }>;

/**
 * Authenticators whose credentials never change during a run: none, API key, bearer, basic
 * and custom headers. Secrets are resolved once, on first use.
 */
export function createStaticAuthenticator(auth: StaticAuth, secrets: SecretResolver): Authenticator {
  let parts: Promise<AuthorizationParts> | undefined;
  return {
    authorize() {
      parts ??= resolveParts(auth, secrets);
      return parts;
    },
    // Static credentials cannot be refreshed: a 401 is final.
    refresh: async () => false,
  };
}

async function resolveParts(auth: StaticAuth, secrets: SecretResolver): Promise<AuthorizationParts> {
  switch (auth.type) {
    case 'none':
      return {};
    case 'api_key': {
      const value = await secrets.resolve(auth.value);
      return auth.in === 'header' ? { headers: { [auth.name]: value } } : { query: { [auth.name]: value } };
    }
    case 'bearer':
      return { headers: { authorization: `Bearer ${await secrets.resolve(auth.token)}` } };
    case 'basic': {
      const user = await secrets.resolve(auth.username);
      const password = await secrets.resolve(auth.password);
      return { headers: { authorization: basicAuthorization(user, password, secrets) } };
    }
    case 'headers': {
      const entries = await Promise.all(Object.entries(auth.headers).map(async ([k, v]) => [k, await secrets.resolve(v)] as const));
      return { headers: Object.fromEntries(entries) };
    }
  }
}
