import { z } from 'zod';
import { identifierSchema } from './identifier.js';
import { secretRefSchema } from '../secrets/secret-ref.js';

/**
 * A read scope: `*` (everything), `<entity>:read` (one entity's rows, provenance and source
 * records, REST and GraphQL) or `runs:read` (runs, source freshness and metrics).
 */
export const accessScopeSchema = z
  .string()
  .regex(/^(\*|[a-z][a-z0-9_]*:read)$/, { message: 'must be "*", "<entity>:read" or "runs:read"' })
  .describe('A read scope: *, <entity>:read or runs:read.');

/** One API token: a name for logs, the token as a secret reference, and what it may read. */
export const accessTokenSchema = z.strictObject({
  /** Shown in logs and metrics instead of the token. */
  name: identifierSchema.describe('Shown in logs and metrics instead of the token.'),
  /** The token as a secret reference (`env:API_TOKEN` or `file:/run/secrets/api-token`). */
  token: secretRefSchema.describe('The token as a secret reference (`env:API_TOKEN` or `file:/run/secrets/api-token`).'),
  /** What the token may read; see `accessScopeSchema`. */
  scopes: z.array(accessScopeSchema).min(1).describe('What the token may read; see `accessScopeSchema`.'),
});

/** Validated token config. */
export type AccessTokenConfig = z.infer<typeof accessTokenSchema>;

/**
 * The access API: who may read what, and the limits that keep one client from hurting the rest.
 *
 * ```yaml
 * access:
 *   tokens:
 *     - { name: analytics, token: env:ANALYTICS_API_TOKEN, scopes: [customer:read] }
 *     - { name: ops, token: file:/run/secrets/ops-token, scopes: ['*'] }
 *   maxPageSize: 500
 * ```
 *
 * Without tokens the API needs `auth: none` and then binds to 127.0.0.1 only.
 */
/** Page and GraphQL limits of the access API when the config sets none (and without an `access` section). */
export const ACCESS_LIMIT_DEFAULTS = { maxPageSize: 500, defaultPageSize: 50, maxQueryDepth: 6, maxQueryFields: 200 } as const;

export const accessSchema = z
  .strictObject({
    /** `tokens` (default): every request needs a bearer token; `none`: open, for local use only (loopback address). */
    auth: z.enum(['tokens', 'none']).default('tokens').describe('`tokens` (default): every request needs a bearer token; `none`: open, for local use only (loopback address).'),
    /** Bearer tokens and their scopes. */
    tokens: z.array(accessTokenSchema).default([]).describe('Bearer tokens and their scopes.'),
    /** Largest `limit` (REST) or `first` (GraphQL) a client may ask for; default 500. */
    maxPageSize: z.number().int().min(1).max(10_000).default(ACCESS_LIMIT_DEFAULTS.maxPageSize).describe('Largest `limit` (REST) or `first` (GraphQL) a client may ask for; default 500.'),
    /** Page size when the client names none; default 50. */
    defaultPageSize: z.number().int().min(1).default(ACCESS_LIMIT_DEFAULTS.defaultPageSize).describe('Page size when the client names none; default 50.'),
    /** Deepest GraphQL selection allowed; default 6. */
    maxQueryDepth: z.number().int().min(2).max(50).default(ACCESS_LIMIT_DEFAULTS.maxQueryDepth).describe('Deepest GraphQL selection allowed; default 6.'),
    /** Most GraphQL field selections (after fragments) allowed in one query; default 200. */
    maxQueryFields: z.number().int().min(10).max(10_000).default(ACCESS_LIMIT_DEFAULTS.maxQueryFields).describe('Most GraphQL field selections (after fragments) allowed in one query; default 200.'),
  })
  .superRefine((a, ctx) => {
    if (a.auth === 'tokens' && a.tokens.length === 0) ctx.addIssue({ code: 'custom', path: ['tokens'], message: 'give at least one token, or set auth: none to serve without authentication (loopback only)' });
    if (a.auth === 'none' && a.tokens.length > 0) ctx.addIssue({ code: 'custom', path: ['auth'], message: 'auth: none ignores tokens; remove them or set auth: tokens' });
    if (a.defaultPageSize > a.maxPageSize) ctx.addIssue({ code: 'custom', path: ['defaultPageSize'], message: `must not exceed maxPageSize (${a.maxPageSize})` });
    const names = new Set<string>();
    a.tokens.forEach((t, i) => {
      if (names.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'name'], message: `duplicate token name "${t.name}"` });
      names.add(t.name);
    });
  });

/** Validated access config. */
export type AccessConfig = z.infer<typeof accessSchema>;

/** The page and query limits in force: the config's, or the defaults when there is no `access` section. */
export function accessLimits(access: AccessConfig | undefined): { maxPageSize: number; defaultPageSize: number; maxQueryDepth: number; maxQueryFields: number } {
  return access ? { maxPageSize: access.maxPageSize, defaultPageSize: access.defaultPageSize, maxQueryDepth: access.maxQueryDepth, maxQueryFields: access.maxQueryFields } : { ...ACCESS_LIMIT_DEFAULTS };
}
