import type { BeforeRedirectHook } from 'got';
import { ConnectorError } from '../connector-error.js';
import { redactUrl } from './redact-url.js';

/** How a request treats a redirect to another origin (scheme, host or port differ from the URL it asked for). */
export interface RedirectPolicy {
  /**
   * Follow it, without any header the request set (auth, API keys, session and custom headers)
   * and without its credential query parameters. Default: refuse it.
   */
  readonly allowCrossOrigin?: boolean;
  /** Query parameters that carry credentials (an API key in the query): removed from a followed cross-origin redirect. */
  readonly credentialQuery?: readonly string[];
}

/** A redirect tried to take a request, and with it its credentials, to another origin. Not retryable. */
export class CrossOriginRedirectError extends ConnectorError {
  constructor(from: string, to: string) {
    super(
      'CROSS_ORIGIN',
      `redirect leaves the requested origin (${from} -> ${to}) and was refused so that no credential reaches another host; ` +
        'point the config at the final URL, or set allowCrossOrigin: true on the stream\'s pagination to follow it without auth headers or credential parameters',
      { retryable: false },
    );
    this.name = 'CrossOriginRedirectError';
  }
}

// Headers got and we set ourselves; everything else a request carries may be a credential.
const BENIGN = new Set(['accept', 'accept-encoding', 'user-agent', 'content-type', 'content-length']);

/**
 * A got `beforeRedirect` hook for one request. got itself only drops `authorization` and
 * `cookie` when a redirect changes host, so a key in `X-API-Key`, a session header or a
 * credential query parameter would travel on. This hook refuses such a redirect (remembering
 * why, for `refused()`), or, when allowed, strips every header the request set and its
 * credential query parameters. Redirects within the origin keep everything.
 */
export function redirectGuard(requestUrl: string, headers: Readonly<Record<string, string>>, policy: RedirectPolicy) {
  const origin = new URL(requestUrl).origin;
  let refused: CrossOriginRedirectError | undefined;
  const hook: BeforeRedirectHook = (options) => {
    const target = new URL(String(options.url));
    if (target.origin === origin) return;
    if (!policy.allowCrossOrigin) {
      refused = new CrossOriginRedirectError(origin, redactUrl(target.toString()));
      throw refused;
    }
    const set = options.headers as Record<string, unknown>;
    const names = new Set([...Object.keys(headers).map((n) => n.toLowerCase()), 'authorization', 'proxy-authorization', 'cookie']);
    for (const name of Object.keys(set)) if (names.has(name.toLowerCase()) && !BENIGN.has(name.toLowerCase())) delete set[name];
    if (policy.credentialQuery?.length) {
      for (const name of policy.credentialQuery) target.searchParams.delete(name);
      options.url = target;
    }
  };
  return { hook, refused: () => refused };
}
