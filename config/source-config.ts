import { z } from 'zod';
import { authSchema } from './auth-config.js';
import { restPaginationSchema } from './pagination-config.js';
import { identifierSchema } from './identifier.js';

/** Limits shared by every stream of one source. */
const limitsFields = {
  /** Per-request timeout in milliseconds. */
  timeoutMs: z.number().int().positive().default(30_000).describe('Per-request timeout in milliseconds.'),
  /** Stop after this many pages per stream and run (a safety cap). */
  maxPages: z.number().int().positive().optional().describe('Stop after this many pages per stream and run.'),
  /** Stop after this many records per stream and run (a safety cap). */
  maxRecords: z.number().int().positive().optional().describe('Stop after this many records per stream and run.'),
};

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

/** A GraphQL query that yields one stream of records from a Relay connection. */
export const graphqlStreamSchema = z.strictObject({
  /** The query document; it must declare `$first` and `$after` variables for Relay pagination. */
  query: z.string().min(1),
  /** Static variables. */
  variables: z.record(z.string(), z.unknown()).default({}),
  /** JSONPath to the connection object (the one holding `edges`/`nodes` and `pageInfo`), e.g. `$.data.customers`. */
  connectionPath: z.string().min(1),
  /** Records per page, passed as `$first`. */
  pageSize: z.number().int().positive().default(50),
  /** Field (JSONPath) of a node that identifies it. */
  primaryKey: z.string().min(1),
  ...limitsFields,
});

/** A GraphQL API source. */
export const graphqlSourceSchema = z.strictObject({
  type: z.literal('graphql'),
  /** The GraphQL endpoint URL. */
  url: z.url(),
  /** How to authenticate. */
  auth: authSchema.default({ type: 'none' }),
  /** Static headers sent with every request. */
  headers: z.record(z.string(), z.string()).default({}),
  /** The streams this source yields, by name. */
  streams: z.record(identifierSchema, graphqlStreamSchema).refine((s) => Object.keys(s).length > 0, 'a source needs at least one stream'),
  /** Per-request timeout in milliseconds. */
  timeoutMs: limitsFields.timeoutMs,
});

/** An upstream API, picked by `type`. */
export const sourceSchema = z.discriminatedUnion('type', [restSourceSchema, graphqlSourceSchema]).describe('An upstream API, picked by type.');

/** Validated source config. */
export type SourceConfig = z.infer<typeof sourceSchema>;
/** Validated REST source config. */
export type RestSourceConfig = z.infer<typeof restSourceSchema>;
/** Validated REST stream config. */
export type RestStreamConfig = z.infer<typeof restStreamSchema>;
/** Validated GraphQL source config. */
export type GraphqlSourceConfig = z.infer<typeof graphqlSourceSchema>;
/** Validated GraphQL stream config. */
export type GraphqlStreamConfig = z.infer<typeof graphqlStreamSchema>;
