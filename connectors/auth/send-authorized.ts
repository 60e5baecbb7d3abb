import { HttpStatusError } from '../connector-error.js';
import type { AuthorizationParts, Authenticator } from './authenticator.js';

/**
 * Sends a request with the authenticator's credentials and, after a 401, refreshes them once
 * (when the scheme can) and sends it again: the `Authenticator` contract in one place. With
 * `authorize: false` (a link to another origin) the request goes without credentials and a 401
 * is final.
 *
 * ```ts
 * const response = await sendAuthorized(auth, (parts) => http.requestJson({ ...request, headers: { ...request.headers, ...parts.headers } }));
 * ```
 */
export async function sendAuthorized<T>(auth: Authenticator, send: (parts: AuthorizationParts) => Promise<T>, opts: { authorize?: boolean } = {}): Promise<T> {
  const withCredentials = opts.authorize !== false;
  const attempt = async () => send(withCredentials ? await auth.authorize() : {});
  try {
    return await attempt();
  } catch (err) {
    if (withCredentials && err instanceof HttpStatusError && err.status === 401 && (await auth.refresh())) return attempt();
    throw err;
  }
}
