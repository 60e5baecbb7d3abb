import { z } from 'zod';
import { incrementalSchema } from './incremental-config.js';
import { limitsFields, sourceAuthFields, sourceRequestFields, streamsSchema } from './stream-limits.js';

/**
 * A GraphQL query that yields one stream of records from a Relay connection. The query comes
 * inline (`query`) or from a `.graphql` file (`queryFile`, relative to the config file's folder);
 * it must declare `$first` and `$after` for Relay pagination. String variables are templates
 * (`{incremental.start}`, `{window.start}`, `{window.end}`).
 */
export const graphqlStreamSchema = z
  .strictObject({
    /** The query document. */
    query: z.string().min(1).optional().describe('The query document (or use queryFile).'),
    /** Path of a `.graphql` file holding the query document, relative to the folder of the config file (or absolute). */
    queryFile: z.string().min(1).optional().describe('Path of a .graphql file holding the query (relative to the config file\'s folder, or absolute).'),
    /** Variables (string values may be templates). */
    variables: z.record(z.string(), z.unknown()).default({}).describe('Query variables (string values may be templates).'),
    /** JSONPath to the connection object (the one holding `edges`/`nodes` and `pageInfo`), e.g. `$.data.customers`; may point inside nested objects. */
    connectionPath: z.string().min(1).describe('JSONPath to the Relay connection (holding edges/nodes and pageInfo).'),
    /** JSONPath applied to each node to flatten a nested array into records (e.g. `$.lineItems.nodes`); default: the node itself. */
    recordsPath: z.string().optional().describe('JSONPath applied to each node to flatten nested arrays into records.'),
    /** Records per page, passed as `$first`. */
    pageSize: z.number().int().positive().default(50).describe('Records per page, passed as $first.'),
    /** Field (JSONPath) of a record that identifies it. */
    primaryKey: z.string().min(1).describe('JSONPath of the field identifying a record.'),
    /** Keep the data of a 200 response that also carries `errors` (the errors are reported as warnings). */
    allowPartialData: z.boolean().default(false).describe('Keep data of responses that also carry errors (reported as warnings).'),
    /** Refuse to run when the query's static cost estimate (connection sizes multiplied along nesting) exceeds this. */
    maxQueryCost: z.number().int().positive().optional().describe('Refuse queries whose static cost estimate exceeds this.'),
    /**
     * The most query cost this stream may spend in one run: the sum of the costs the API reports
     * per page (GitHub `rateLimit.cost`, Shopify `extensions.cost.actualQueryCost`; when it reports
     * none, the static estimate, at least 1 per request). The total is checkpointed with the staged
     * pages, so it holds across chunks, retries and worker restarts. Before each page the next
     * page's cost is predicted from the previous one; when it would go over the budget no further
     * request is sent and the stream fails with a non-retryable `GRAPHQL_COST` error naming what
     * was spent. Failing rather than stopping quietly is deliberate: a stream cut short would merge
     * as if complete and could advance its incremental watermark past data never fetched. Under a
     * `partial` failure policy the other streams of the run still merge.
     */
    maxRunCost: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Most query cost (sum of reported costs per page) the stream may spend in one run; going over fails the stream (non-retryable), never truncates it silently.'),
    /** Incremental sync by a cursor field. */
    incremental: incrementalSchema.optional().describe('Incremental sync by a cursor field.'),
    ...limitsFields,
  })
  .refine((s) => (s.query === undefined) !== (s.queryFile === undefined), { message: 'give exactly one of query or queryFile' });

/** A GraphQL API source. */
export const graphqlSourceSchema = z.strictObject({
  type: z.literal('graphql'),
  /** The GraphQL endpoint URL. */
  url: z.url().describe('The GraphQL endpoint URL.'),
  ...sourceAuthFields,
  /** The streams this source yields, by name. */
  streams: streamsSchema(graphqlStreamSchema).describe('The streams this source yields, by name.'),
  /** Introspect the schema at the start of each run: validate queries before fetching and report schema drift. */
  introspection: z.boolean().default(true).describe('Introspect at run start: validate queries before fetching and report schema drift.'),
  ...sourceRequestFields,
});

/** Validated GraphQL source config. */
export type GraphqlSourceConfig = z.infer<typeof graphqlSourceSchema>;
/** Validated GraphQL stream config. */
export type GraphqlStreamConfig = z.infer<typeof graphqlStreamSchema>;
