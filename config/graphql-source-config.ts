import { z } from 'zod';
import { authSchema } from './auth-config.js';
import { identifierSchema } from './identifier.js';
import { limitsFields } from './stream-limits.js';

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

/** Validated GraphQL source config. */
export type GraphqlSourceConfig = z.infer<typeof graphqlSourceSchema>;
/** Validated GraphQL stream config. */
export type GraphqlStreamConfig = z.infer<typeof graphqlStreamSchema>;
