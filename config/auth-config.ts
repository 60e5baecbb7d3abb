import { z } from 'zod';
import { maybeSecretSchema, secretRefSchema } from './secret-ref.js';

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
  value: secretRefSchema,
});

/** A static bearer token in `Authorization: Bearer ...`. */
export const bearerAuthSchema = z.strictObject({
  type: z.literal('bearer'),
  /** The token, as a secret reference. */
  token: secretRefSchema,
});

/** HTTP basic authentication. */
export const basicAuthSchema = z.strictObject({
  type: z.literal('basic'),
  /** The user name (plain or secret reference). */
  username: maybeSecretSchema,
  /** The password, as a secret reference. */
  password: secretRefSchema,
});

/** OAuth2 client-credentials grant (RFC 6749 section 4.4); the token is cached and refreshed before expiry. */
export const oauth2ClientCredentialsAuthSchema = z.strictObject({
  type: z.literal('oauth2_client_credentials'),
  /** Absolute URL of the token endpoint. */
  tokenUrl: z.url().describe('Absolute URL of the token endpoint.'),
  /** Client id (plain or secret reference). */
  clientId: maybeSecretSchema,
  /** Client secret, as a secret reference. */
  clientSecret: secretRefSchema,
  /** Space-separated scopes to request. */
  scope: z.string().optional().describe('Space-separated scopes to request.'),
  /** How the client authenticates at the token endpoint: HTTP basic (the RFC default) or form body fields. */
  clientAuth: z.enum(['basic', 'body']).default('basic'),
  /** Refresh this many seconds before the token expires. */
  refreshBeforeSeconds: z.number().int().min(0).default(60),
});

/** Custom static headers (values may be secret references). */
export const headersAuthSchema = z.strictObject({
  type: z.literal('headers'),
  /** Header name -> value (plain or secret reference). */
  headers: z.record(z.string().min(1), maybeSecretSchema),
});

/** How a source authenticates, picked by `type`. */
export const authSchema = z
  .discriminatedUnion('type', [
    noAuthSchema,
    apiKeyAuthSchema,
    bearerAuthSchema,
    basicAuthSchema,
    oauth2ClientCredentialsAuthSchema,
    headersAuthSchema,
  ])
  .describe('Authentication, picked by type.');

/** Validated authentication config. */
export type AuthConfig = z.infer<typeof authSchema>;
/** Validated OAuth2 client-credentials config. */
export type OAuth2ClientCredentialsAuth = z.infer<typeof oauth2ClientCredentialsAuthSchema>;
