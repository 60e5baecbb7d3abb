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

const ANONYMOUS: Caller = { name: 'anonymous', scopes: new Set(['*']) };

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

/**
 * Bearer-token authentication: `Authorization: Bearer <token>` is compared in constant time
 * against every configured token (equal-length SHA-256 digests, all compared, so timing tells
 * nothing about which or how much matched). No or a wrong token is a 401 — never data — with
 * a `WWW-Authenticate` header. Without `access` (or with `auth: none`) every caller is allowed.
 * Tokens resolve on first use when not given (see `resolveTokens`).
 */
export function tokenAuth(access: AccessConfig | undefined, tokens?: Promise<ResolvedToken[]> | ResolvedToken[]): MiddlewareHandler<{ Variables: AuthVariables }> {
  const open = !access || access.auth === 'none';
  let resolved: Promise<ResolvedToken[]> | undefined = tokens ? Promise.resolve(tokens) : undefined;
  return async (c, next) => {
    if (open) {
      c.set('caller', ANONYMOUS);
      return next();
    }
    resolved ??= resolveTokens(access);
    const list = await resolved.catch(() => {
      // A token reference that cannot be read lets nobody in; the next request tries again.
      resolved = undefined;
      return [] as ResolvedToken[];
    });
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw unauthorized(header ? 'the Authorization header must be "Bearer <token>"' : 'missing bearer token: send Authorization: Bearer <token>');
    const presented = digest(m[1]!);
    let match: ResolvedToken | undefined;
    for (const t of list) if (timingSafeEqual(presented, t.digest) && !match) match = t;
    if (!match) throw unauthorized('invalid token');
    c.set('caller', { name: match.name, scopes: match.scopes });
    return next();
  };
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
