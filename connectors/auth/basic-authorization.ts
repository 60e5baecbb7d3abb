import type { SecretResolver } from '../../secrets/resolve-secret.js';

/**
 * An `Authorization: Basic` value for `user:password`. The pair is registered as a secret, so
 * the masker hides it in every form, base64 included: an upstream echoing the request's headers
 * in an error body must not show it.
 */
export function basicAuthorization(user: string, password: string, secrets: Pick<SecretResolver, 'register'>): string {
  const pair = `${user}:${password}`;
  secrets.register(pair);
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}
