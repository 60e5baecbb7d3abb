import { z } from 'zod';
import { maybeSecretSchema, secretRefSchema } from '../../secrets/secret-ref.js';

/** No authentication. */
export const noAuthSchema = z.strictObject({ type: z.literal('none') });

/** An API key sent in a header or a query parameter. */
export const apiKeyAuthSchema = z.strictObject({
  type: z.literal('api_key'),
  /** Where the key goes. */
  in: z.enum(['header', 'query']).default('header').describe('Where the key is sent: header or query.'),
  /** Header or query parameter name, e.g. `X-API-Key` or `api_key`. */
  name: z.string().min(1).describe('Header or query parameter name.'),
  /** The key, as a secret reference. */
  value: secretRefSchema.describe('The key, as a secret reference.'),
});

/** A static bearer token in `Authorization: Bearer ...`. */
export const bearerAuthSchema = z.strictObject({
  type: z.literal('bearer'),
  /** The token, as a secret reference. */
  token: secretRefSchema.describe('The token, as a secret reference.'),
});

/** HTTP basic authentication. */
export const basicAuthSchema = z.strictObject({
  type: z.literal('basic'),
  /** The user name (plain or secret reference). */
  username: maybeSecretSchema.describe('The user name (plain or secret reference).'),
  /** The password, as a secret reference. */
  password: secretRefSchema.describe('The password, as a secret reference.'),
});

/** OAuth2 client-credentials grant (RFC 6749 section 4.4); the token is cached and refreshed before expiry. */
export const oauth2ClientCredentialsAuthSchema = z.strictObject({
  type: z.literal('oauth2_client_credentials'),
  /** Absolute URL of the token endpoint. */
  tokenUrl: z.url().describe('Absolute URL of the token endpoint.'),
  /** Client id (plain or secret reference). */
  clientId: maybeSecretSchema.describe('Client id (plain or secret reference).'),
  /** Client secret, as a secret reference. */
  clientSecret: secretRefSchema.describe('Client secret, as a secret reference.'),
  /** Space-separated scopes to request. */
  scope: z.string().optional().describe('Space-separated scopes to request.'),
  /** How the client authenticates at the token endpoint: HTTP basic (the RFC default) or form body fields. */
  clientAuth: z.enum(['basic', 'body']).default('basic').describe('How the client authenticates at the token endpoint: HTTP basic (the RFC default) or form body fields.'),
  /** Refresh this many seconds before the token expires. */
  refreshBeforeSeconds: z.number().int().min(0).default(60).describe('Refresh this many seconds before the token expires.'),
});

/** Custom static headers (values may be secret references). */
export const headersAuthSchema = z.strictObject({
  type: z.literal('headers'),
  /** Header name -> value (plain or secret reference). */
  headers: z.record(z.string().min(1), maybeSecretSchema).describe('Header name -> value (plain or secret reference).'),
});

/**
 * OAuth2 refresh-token grant (RFC 6749 section 6) for providers that rotate the refresh token on
 * every use. The initial refresh token comes from a secret reference; each rotated one is stored
 * in Postgres (one row per source) and swapped under a row lock, so parallel workers never spend
 * the same token twice. Putting a new initial token in the secret starts over from it.
 */
export const oauth2RefreshTokenAuthSchema = z.strictObject({
  type: z.literal('oauth2_refresh_token'),
  /** Absolute URL of the token endpoint. */
  tokenUrl: z.url().describe('Absolute URL of the token endpoint.'),
  /** Client id (plain or secret reference). */
  clientId: maybeSecretSchema.describe('Client id (plain or secret reference).'),
  /** Client secret, as a secret reference (public clients have none). */
  clientSecret: secretRefSchema.optional().describe('Client secret, as a secret reference (public clients have none).'),
  /** The initial refresh token, as a secret reference; rotated tokens are kept in Postgres. */
  refreshToken: secretRefSchema.describe('The initial refresh token (env:NAME or file:PATH); rotated ones are kept in Postgres.'),
  /** Space-separated scopes to request. */
  scope: z.string().optional().describe('Space-separated scopes to request.'),
  /** How the client authenticates at the token endpoint: form body fields (common for refresh grants) or HTTP basic. */
  clientAuth: z.enum(['basic', 'body']).default('body').describe('Client authentication at the token endpoint: body or basic.'),
  /** Refresh this many seconds before the access token expires. */
  refreshBeforeSeconds: z.number().int().min(0).default(60).describe('Refresh this many seconds before the access token expires.'),
});

/** The login request of a session-token auth. */
export const sessionLoginSchema = z.strictObject({
  /** Login URL: absolute, or relative to the source's base URL. */
  url: z.string().min(1).describe('Login URL, absolute or relative to the source base URL.'),
  /** HTTP method of the login request. */
  method: z.enum(['POST', 'GET']).default('POST').describe('HTTP method of the login request.'),
  /** Body fields (values plain or secret references). */
  body: z.record(z.string(), maybeSecretSchema).default({}).describe('Body fields; values may be secret references.'),
  /** How the body is encoded. */
  bodyFormat: z.enum(['json', 'form']).default('json').describe('Body encoding: json or form.'),
  /** Extra headers of the login request (values plain or secret references). */
  headers: z.record(z.string(), maybeSecretSchema).default({}).describe('Extra login request headers; values may be secret references.'),
});

/**
 * A session token obtained by a login request: the token is read at `tokenPath` in the login
 * response and sent as a header or query parameter; it is cached per worker and a 401 triggers
 * one new login and one retry.
 */
export const sessionAuthSchema = z.strictObject({
  type: z.literal('session'),
  /** The login request. */
  login: sessionLoginSchema.describe('The login request.'),
  /** JSONPath of the token in the login response. */
  tokenPath: z.string().default('$.token').describe('JSONPath of the token in the login response.'),
  /** JSONPath of the token lifetime in seconds in the login response, if it says. */
  expiresInPath: z.string().optional().describe('JSONPath of the token lifetime (seconds) in the login response.'),
  /** Token lifetime in seconds when the response does not say (default: until a 401). */
  ttlSeconds: z.number().int().positive().optional().describe('Token lifetime in seconds when the response does not say.'),
  /** Where the token is sent. */
  in: z.enum(['header', 'query']).default('header').describe('Where the token is sent: header or query.'),
  /** Header or query parameter name. */
  name: z.string().min(1).default('Authorization').describe('Header or query parameter carrying the token.'),
  /** Text put before the token, e.g. `Bearer ` (set '' for a bare token). */
  prefix: z.string().default('Bearer ').describe("Text put before the token, e.g. 'Bearer ' (use '' for none)."),
});

/** How a source authenticates, picked by `type`. */
export const authSchema = z
  .discriminatedUnion('type', [
    noAuthSchema,
    apiKeyAuthSchema,
    bearerAuthSchema,
    basicAuthSchema,
    oauth2ClientCredentialsAuthSchema,
    oauth2RefreshTokenAuthSchema,
    sessionAuthSchema,
    headersAuthSchema,
  ])
  .describe('Authentication, picked by type.');

/** Validated authentication config. */
export type AuthConfig = z.infer<typeof authSchema>;
/** Validated OAuth2 client-credentials config. */
export type OAuth2ClientCredentialsAuth = z.infer<typeof oauth2ClientCredentialsAuthSchema>;
/** Validated OAuth2 refresh-token config. */
export type OAuth2RefreshTokenAuth = z.infer<typeof oauth2RefreshTokenAuthSchema>;
/** Validated session-token config. */
export type SessionAuth = z.infer<typeof sessionAuthSchema>;
