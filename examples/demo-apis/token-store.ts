import { randomBytes } from 'node:crypto';

/** Default access-token lifetime, as most providers use. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** A freshly issued access token. */
export interface IssuedToken {
  /** The token string. */
  accessToken: string;
  /** Lifetime in whole seconds, as `expires_in` reports it. */
  expiresIn: number;
  /** Granted scope. */
  scope: string;
}

/**
 * Access tokens the billing API has issued and when each expires. Tokens are unpredictable (they
 * are secrets, and determinism buys nothing here); expiry is real, so a test with a short
 * lifetime sees a cached token go stale and the client fetch a new one.
 */
export class TokenStore {
  private readonly expiries = new Map<string, number>();

  /**
   * @param ttlSeconds lifetime of issued tokens; fractions are allowed for fast tests and are
   *   rounded up in `expires_in`.
   * @param now clock in milliseconds, replaceable in unit tests.
   */
  constructor(
    private readonly ttlSeconds: number = DEFAULT_TOKEN_TTL_SECONDS,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ttlSeconds > 0) || !Number.isFinite(ttlSeconds)) throw new Error(`token lifetime must be a positive number of seconds, got ${ttlSeconds}`);
  }

  /** Issues a new token for `scope`. */
  issue(scope: string): IssuedToken {
    this.purgeExpired();
    const accessToken = `demo_at_${randomBytes(24).toString('base64url')}`;
    this.expiries.set(accessToken, this.now() + this.ttlSeconds * 1000);
    return { accessToken, expiresIn: Math.ceil(this.ttlSeconds), scope };
  }

  /** Whether `token` was issued here and has not expired. */
  isValid(token: string): boolean {
    const expiry = this.expiries.get(token);
    if (expiry === undefined) return false;
    if (this.now() < expiry) return true;
    this.expiries.delete(token);
    return false;
  }

  /** Forgets expired tokens so a long-running demo does not grow without bound. */
  private purgeExpired(): void {
    const now = this.now();
    for (const [token, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(token);
  }
}
