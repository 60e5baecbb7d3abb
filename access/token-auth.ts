import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AccessConfig } from '../config/access-config.js';
import { createSecretResolver } from '../secrets/resolve-secret.js';
import { createSecretMasker } from '../secrets/secret-masker.js';
import { HttpError } from './http-error.js';

/** Who a request is: a token's name and scopes, or `anonymous` when auth is off. */
export interface Caller {
  readonly name: string;
  readonly scopes: ReadonlySet<string>;
}

/** A token ready to compare: its name, scopes and the SHA-256 digest of its value. */
interface ResolvedToken {
  readonly name: string;
  readonly scopes: ReadonlySet<string>;
  readonly digest: Buffer;
}

/** The caller of the current request, set by `tokenAuth`. */
export type AuthVariables = { caller: Caller };

/** The caller when auth is off. */
export const ANONYMOUS: Caller = { name: 'anonymous', scopes: new Set(['*']) };

/**
 * Resolves the configured tokens (`env:`/`file:` references) once; throws naming the
 * reference that is not set, so `tributary serve` fails at start rather than at the first request.
 */
export async function resolveTokens(access: AccessConfig | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedToken[]> {
  if (!access || access.auth === 'none') return [];
  const resolver = createSecretResolver(createSecretMasker(), env);
  const out: ResolvedToken[] = [];
  for (const t of access.tokens) {
    const value = await resolver.resolve(t.token);
    if (value.length < 16) throw new Error(`access token "${t.name}" (${t.token}) is shorter than 16 characters; use a long random value`);
    out.push({ name: t.name, scopes: new Set(t.scopes), digest: digest(value) });
  }
  return out;
}

/** Decides who a presented token belongs to (shared by the API's bearer auth and the explorer's login). */
export interface TokenChecker {
  /** No `access` (or `auth: none`): everyone is {@link ANONYMOUS}. */
  readonly open: boolean;
  /** The caller a token belongs to, or undefined for a wrong (or, when not open, missing) token. */
  callerOf(token: string | undefined): Promise<Caller | undefined>;
}

/**
 * A token checker over the configured tokens: a presented token is compared in constant time
 * against every configured one (equal-length SHA-256 digests, all compared, so timing tells
 * nothing about which or how much matched). Tokens resolve on first use when not given (see
 * `resolveTokens`); a reference that cannot be read lets nobody in, and the next check tries again.
 */
export function createTokenChecker(access: AccessConfig | undefined, tokens?: Promise<ResolvedToken[]> | ResolvedToken[]): TokenChecker {
  const open = !access || access.auth === 'none';
  let resolved: Promise<ResolvedToken[]> | undefined = tokens ? Promise.resolve(tokens) : undefined;
  return {
    open,
    async callerOf(token) {
      if (open) return ANONYMOUS;
      if (token === undefined || token === '') return undefined;
      resolved ??= resolveTokens(access);
      const list = await resolved.catch(() => {
        resolved = undefined;
        return [] as ResolvedToken[];
      });
      const presented = digest(token);
      let match: ResolvedToken | undefined;
      for (const t of list) if (timingSafeEqual(presented, t.digest) && !match) match = t;
      return match && { name: match.name, scopes: match.scopes };
    },
  };
}

/**
 * Bearer-token authentication: `Authorization: Bearer <token>` is checked by `checker` (see
 * `createTokenChecker`). No or a wrong token is a 401 — never data — with a `WWW-Authenticate`
 * header. Without `access` (or with `auth: none`) every caller is allowed.
 */
export function tokenAuth(checker: TokenChecker): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (checker.open) {
      c.set('caller', ANONYMOUS);
      return next();
    }
    const header = c.req.header('authorization') ?? '';
    const token = bearerToken(header);
    if (token === undefined) throw unauthorized(header ? 'the Authorization header must be "Bearer <token>"' : 'missing bearer token: send Authorization: Bearer <token>');
    const caller = await checker.callerOf(token);
    if (!caller) throw unauthorized('invalid token');
    c.set('caller', caller);
    return next();
  };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}

/** True when the caller may read `scope` (`customer:read`, `runs:read`); `*` allows everything. */
export function allows(caller: Caller, scope: string): boolean {
  return caller.scopes.has('*') || caller.scopes.has(scope);
}

/** Throws a 403 naming the missing scope unless the caller has it. */
export function requireScope(caller: Caller, scope: string): void {
  if (!allows(caller, scope)) throw new HttpError(403, `token "${caller.name}" lacks scope ${scope}`);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, message, { 'www-authenticate': 'Bearer realm="tributary"' });
}
