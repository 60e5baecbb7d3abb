import { z } from 'zod';
import { identifierSchema } from '../identifier.js';
import { incrementalSchema } from './incremental-config.js';
import { restPaginationSchema } from './pagination-config.js';
import { limitsFields, sourceAuthFields, sourceRequestFields, streamsSchema } from './stream-limits.js';

/** The body formats a REST stream reads. */
export const bodyFormats = ['json', 'xml', 'csv'] as const;

/** A body format. */
export type BodyFormat = (typeof bodyFormats)[number];

/**
 * A child stream's parent: the child is fetched once per parent record staged in the same run
 * (starting as the parent's records arrive), with the parent's fields available as
 * `{parent.<field>}` in the path, params, headers and body. An incremental child keeps its
 * watermark per parent: each parent's requests carry `{incremental.start}` from that parent's
 * own highest child cursor, advanced after the run's merge commits.
 */
export const parentSchema = z.strictObject({
  /** Name of another stream of the same source. */
  stream: identifierSchema.describe('Name of another stream of the same source.'),
  /** Parent fields copied into each child record: child field name -> JSONPath in the parent record. */
  fields: z.record(z.string().min(1), z.string().min(1)).default({}).describe('Parent fields copied into each child record: name -> JSONPath in the parent.'),
  /**
   * Fetch children only for parents that are new or whose record changed since their children
   * were last fetched in a run that merged (the parent record's hash is kept per parent). Use it
   * when a parent's record changes whenever its children do (an `updated_at` or a child count).
   */
  onlyChanged: z.boolean().default(false).describe("Fetch children only for parents that are new or whose record changed since their children were last fetched."),
});

/**
 * A REST endpoint that yields one stream of records. `path`, `params`, `headers` and `body`
 * are templates: `{incremental.start}`, `{window.start}`, `{window.end}` and `{parent.<field>}`
 * are replaced per request (a value that is only a template keeps its type in a JSON body, and a
 * query parameter whose template has no value is left out).
 */
export const restStreamSchema = z.strictObject({
  /** Path relative to the source's baseUrl, e.g. `/v1/contacts` or `/accounts/{parent.id}/contacts`. */
  path: z.string().min(1).describe('Path relative to baseUrl; may use {parent.<field>} and other templates.'),
  /** HTTP method; POST sends `body` as JSON. */
  method: z.enum(['GET', 'POST']).default('GET').describe('HTTP method; POST sends body as JSON.'),
  /** Query parameters (templates allowed). */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}).describe('Query parameters (templates allowed).'),
  /** Request headers of this stream (not secrets: use auth for those; templates allowed). */
  headers: z.record(z.string(), z.string()).default({}).describe('Request headers of this stream (templates allowed).'),
  /** JSON body for POST requests (templates allowed in string values). */
  body: z.record(z.string(), z.unknown()).optional().describe('JSON body for POST requests (templates allowed).'),
  /**
   * The response body's format: `json`, `xml` or `csv`. Without it, detected from each
   * response's `Content-Type` (JSON when it names none). XML becomes objects (attributes as
   * `@name`, text beside attributes as `#text`, every value the text as sent); CSV one object per
   * row keyed by the header row. Paths, records and pagination then work as for JSON.
   */
  format: z.enum(bodyFormats).optional().describe('Body format: json, xml or csv; default: detected from Content-Type.'),
  /** How XML bodies are read. */
  xml: z
    .strictObject({
      /** Element names always read as lists, even when a response has only one (e.g. `[item, tag]`). */
      arrays: z.array(z.string().min(1)).default([]).describe('Element names always read as lists, even when only one is present.'),
    })
    .optional()
    .describe('How XML bodies are read.'),
  /** How CSV bodies are read. */
  csv: z
    .strictObject({
      /** Field delimiter. */
      delimiter: z.string().length(1).default(',').describe('Field delimiter.'),
      /** Column names for a body without a header row. */
      columns: z.array(z.string().min(1)).min(1).optional().describe('Column names, for a body without a header row.'),
    })
    .optional()
    .describe('How CSV bodies are read.'),
  /** JSONPath to the array of records in the response body; when absent the body itself (if an array) or its only array field. */
  recordsPath: z.string().optional().describe('JSONPath to the records; default: the body if an array, else its only (or conventionally named) array field.'),
  /**
   * Records the response carries beside the stream's own, joined to them by key: e.g.
   * `{ users: { path: $.users, key: $.id } }` for `{tickets: [...], users: [...]}`. A mapping
   * reads one with `$sideload.users[$.requester_id].email`. Each record is staged with the
   * side-loaded records it refers to (under `$sideload`, byte-exact), so a change to one of
   * them re-merges the record.
   */
  sideload: z
    .record(
      identifierSchema,
      z.strictObject({
        /** JSONPath of the side-loaded records in the response body, e.g. `$.users`. */
        path: z.string().min(1).describe('JSONPath of the side-loaded records in the response, e.g. $.users.'),
        /** JSONPath of the key in each side-loaded record, e.g. `$.id`. */
        key: z.string().min(1).describe('JSONPath of the key in each side-loaded record, e.g. $.id.'),
      }),
    )
    .optional()
    .describe('Records side-loaded in the same response, joined by key: { users: { path: $.users, key: $.id } }; read as $sideload.users[$.requester_id].email.'),
  /**
   * The fields the records have (top-level names), when known (`tributary onboard` writes them
   * from the API's schema): mapping paths and template placeholders that start with another name
   * are then config errors with a did-you-mean, instead of values that are silently empty.
   */
  recordFields: z.array(z.string().min(1)).optional().describe('The top-level fields of the records, when known: mappings reading other names are refused (did-you-mean).'),
  /** Field (JSONPath) that identifies a record within this stream. */
  primaryKey: z.string().min(1).describe('JSONPath of the field identifying a record within the stream.'),
  /** How to page through the endpoint. */
  pagination: restPaginationSchema.default({ type: 'single' }).describe('How to page through the endpoint.'),
  /** Incremental sync by a cursor field. */
  incremental: incrementalSchema.optional().describe('Incremental sync by a cursor field.'),
  /** Fan out over another stream's records. */
  parent: parentSchema.optional().describe('Fan out over another stream\'s records.'),
  ...limitsFields,
});

/** A REST API source. */
export const restSourceSchema = z.strictObject({
  type: z.literal('rest'),
  /** Base URL every stream path is relative to. */
  baseUrl: z.url().describe('Base URL every stream path is relative to.'),
  ...sourceAuthFields,
  /** The streams this source yields, by name. */
  streams: streamsSchema(restStreamSchema).describe('The streams this source yields, by name.'),
  ...sourceRequestFields,
});

/** Validated REST source config. */
export type RestSourceConfig = z.infer<typeof restSourceSchema>;
/** Validated REST stream config. */
export type RestStreamConfig = z.infer<typeof restStreamSchema>;
