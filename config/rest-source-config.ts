import { z } from 'zod';
import { authSchema } from './auth-config.js';
import { identifierSchema } from './identifier.js';
import { restPaginationSchema } from './pagination-config.js';
import { limitsFields } from './stream-limits.js';

/** A REST endpoint that yields one stream of records. */
export const restStreamSchema = z.strictObject({
  /** Path relative to the source's baseUrl, e.g. `/v1/contacts`. */
  path: z.string().min(1),
  /** HTTP method; POST sends `body` as JSON. */
  method: z.enum(['GET', 'POST']).default('GET'),
  /** Static query parameters. */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** JSON body for POST requests. */
  body: z.record(z.string(), z.unknown()).optional(),
  /** JSONPath to the array of records in the response body; when absent the body itself (if an array) or its only array field. */
  recordsPath: z.string().optional(),
  /** Field (JSONPath) that identifies a record within this stream. */
  primaryKey: z.string().min(1),
  /** How to page through the endpoint. */
  pagination: restPaginationSchema.default({ type: 'single' }),
  ...limitsFields,
});

/** A REST API source. */
export const restSourceSchema = z.strictObject({
  type: z.literal('rest'),
  /** Base URL every stream path is relative to. */
  baseUrl: z.url(),
  /** How to authenticate. */
  auth: authSchema.default({ type: 'none' }),
  /** Static headers sent with every request (not secrets: use auth `headers` for those). */
  headers: z.record(z.string(), z.string()).default({}),
  /** The streams this source yields, by name. */
  streams: z.record(identifierSchema, restStreamSchema).refine((s) => Object.keys(s).length > 0, 'a source needs at least one stream'),
  /** Per-request timeout in milliseconds. */
  timeoutMs: limitsFields.timeoutMs,
});

/** Validated REST source config. */
export type RestSourceConfig = z.infer<typeof restSourceSchema>;
/** Validated REST stream config. */
export type RestStreamConfig = z.infer<typeof restStreamSchema>;
