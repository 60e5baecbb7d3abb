import type { TributaryConfig } from '../config/tributary-config.js';
import { type QueryableColumn, queryableColumns } from './entity-fields.js';
import { FILTER_OPS } from './entity-filter.js';
import type { PageLimits } from './entity-params.js';

type Json = Record<string, unknown>;

const FIELD_SCHEMAS: Record<QueryableColumn['type'], Json> = {
  string: { type: 'string' },
  integer: { type: ['integer', 'string'], description: 'A number while exact (|n| < 2^53), a string beyond.' },
  decimal: { type: 'string', description: 'An exact decimal number.' },
  boolean: { type: 'boolean' },
  timestamp: { type: 'string', format: 'date-time' },
  date: { type: 'string', format: 'date' },
  json: {},
};

/**
 * The OpenAPI 3.1 document of the access API, generated from the entity config: one path set
 * per entity with typed row schemas and filter parameters, plus runs, sources, GraphQL and
 * health. Served at `/openapi.json`.
 */
export function openApiDocument(config: TributaryConfig, limits: PageLimits, opts: { authRequired: boolean }): Json {
  const paths: Json = {};
  const schemas: Json = {
    Error: { type: 'object', required: ['error'], properties: { error: { type: 'string', description: 'What went wrong and how to fix the request.' } } },
    FieldOrigin: { type: 'object', properties: { value: {}, from: { description: '{source, stream, key, at} of the record that supplied the value, or a list of them.' } } },
    SourceRecord: {
      type: 'object',
      properties: {
        source: { type: 'string' }, stream: { type: 'string' }, source_key: { type: 'string' }, values: { type: 'object' },
        source_updated_at: { type: ['string', 'null'], format: 'date-time' }, fetched_at: { type: 'string', format: 'date-time' }, run_id: { type: 'string' },
        deleted_at: { type: ['string', 'null'], format: 'date-time' }, raw: { description: 'The record as the upstream API last returned it (a child: its parent record), kept past retention.' }, raw_fetched_at: { type: ['string', 'null'], format: 'date-time' },
      },
    },
    Run: {
      type: 'object',
      properties: {
        run_id: { type: 'string' }, pipeline: { type: 'string' }, status: { enum: ['running', 'succeeded', 'failed', 'degraded'] }, trigger: { type: ['string', 'null'] },
        window_start: { type: ['string', 'null'], format: 'date-time' }, window_end: { type: 'string', format: 'date-time' }, started_at: { type: 'string', format: 'date-time' },
        finished_at: { type: ['string', 'null'], format: 'date-time' }, duration_ms: { type: ['integer', 'null'] }, error: { type: ['string', 'null'] },
        sources: { type: 'array', items: { type: 'object', properties: { source: { type: 'string' }, stream: { type: 'string' }, status: { enum: ['succeeded', 'failed'] }, pages: { type: 'integer' }, records: { type: 'integer' }, error: { type: 'string' } } } },
        entities: { type: 'array', items: { type: 'object' } }, temporal_url: { type: ['string', 'null'] },
      },
    },
    SourceFreshness: {
      type: 'object',
      properties: {
        pipeline: { type: 'string' }, source: { type: 'string' }, stream: { type: 'string' }, lastSuccessAt: { type: ['string', 'null'], format: 'date-time' },
        ageMs: { type: ['integer', 'null'] }, intervalMs: { type: 'integer' }, staleAfterMs: { type: 'integer' }, stale: { type: 'boolean' }, paused: { type: 'boolean' },
        reason: { type: ['string', 'null'] }, lastError: { type: ['string', 'null'] },
      },
    },
  };
  const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/E${c}` }]));

  for (const [name, entity] of Object.entries(config.entities)) {
    const columns = queryableColumns(entity);
    const rowName = `${name}_row`;
    schemas[rowName] = {
      type: 'object',
      ...(entity.doc ? { description: entity.doc } : {}),
      required: ['_key', '_last_changed'],
      properties: {
        ...Object.fromEntries(
          [...columns.values()].map((c) => {
            const item: Json = { ...FIELD_SCHEMAS[c.type], ...(c.doc ? { description: c.doc } : {}) };
            const schema = c.array ? { type: ['array', 'null'], items: FIELD_SCHEMAS[c.type] } : c.name.startsWith('_') || c.type === 'json' ? item : { ...item, type: [...[item.type ?? []].flat(), 'null'] };
            return [c.name, schema];
          }),
        ),
        _provenance: { type: 'object', description: 'Per field: {source, stream, key, at} of the supplying record (only in the single-row answer, or when selected).' },
      },
    };
    const scope = `${name}:read`;
    const security = opts.authRequired ? [{ bearer: [scope] }] : [];
    const filters = [...columns.values()].map((c) => ({
      name: c.name,
      in: 'query',
      required: false,
      description: `Filter ${c.name} (${c.array ? `list of ${c.type}` : c.type}) as op.value; ops: ${c.array ? 'cs, is' : c.type === 'json' ? 'eq, ne, is' : c.type === 'string' ? FILTER_OPS.filter((o) => o !== 'cs').join(', ') : c.type === 'boolean' ? 'eq, ne, in, is' : 'eq, ne, lt, lte, gt, gte, in, is'}. E.g. ${c.name}=eq.<value>, ${c.name}=is.null.`,
      schema: { type: 'array', items: { type: 'string' } },
      style: 'form',
      explode: true,
    }));
    const keyParam = { name: 'key', in: 'path', required: true, schema: { type: 'string' } };
    paths[`/v1/entities/${name}`] = {
      get: {
        operationId: `list_${name}`,
        summary: `List ${name} rows (keyset pagination, filters, sorting, field selection)`,
        security,
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: limits.maxPageSize, default: limits.defaultPageSize } },
          { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'next_cursor of the previous page, unchanged.' },
          { name: 'order', in: 'query', schema: { type: 'string' }, description: 'Sort keys: field, field.asc or field.desc, comma separated (default _last_changed). Missing values sort last; _key breaks ties.' },
          { name: 'select', in: 'query', schema: { type: 'string' }, description: `Fields to return, comma separated; _key is always returned. Valid: ${[...columns.keys(), '_provenance'].join(', ')}.` },
          { name: 'updated_since', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'Only rows changed at or after this time.' },
          ...filters,
        ],
        responses: {
          '200': { description: 'A page of rows', content: { 'application/json': { schema: { type: 'object', required: ['data', 'next_cursor'], properties: { data: { type: 'array', items: { $ref: `#/components/schemas/${rowName}` } }, next_cursor: { type: ['string', 'null'] } } } } } },
          ...errors(400, 401, 403),
        },
      },
    };
    paths[`/v1/entities/${name}/{key}`] = {
      get: { operationId: `get_${name}`, summary: `One ${name} by key, with _provenance`, security, parameters: [keyParam], responses: { '200': { description: 'The row', content: { 'application/json': { schema: { $ref: `#/components/schemas/${rowName}` } } } }, '308': { description: 'The key was merged into another; follow Location' }, ...errors(401, 403, 404) } },
    };
    paths[`/v1/entities/${name}/{key}/provenance`] = {
      get: { operationId: `get_${name}_provenance`, summary: `Which source supplied each field of a ${name}, and when`, security, parameters: [keyParam], responses: { '200': { description: 'Per field origin', content: { 'application/json': { schema: { type: 'object', properties: { entity: { type: 'string' }, key: { type: 'string' }, last_changed: { type: 'string', format: 'date-time' }, fields: { type: 'object', additionalProperties: { $ref: '#/components/schemas/FieldOrigin' } } } } } } }, ...errors(401, 403, 404) } },
    };
    paths[`/v1/entities/${name}/{key}/sources`] = {
      get: { operationId: `get_${name}_sources`, summary: `The source records contributing to a ${name}`, security, parameters: [keyParam], responses: { '200': { description: 'Source records', content: { 'application/json': { schema: { type: 'object', properties: { entity: { type: 'string' }, key: { type: 'string' }, data: { type: 'array', items: { $ref: '#/components/schemas/SourceRecord' } } } } } } }, ...errors(401, 403, 404) } },
    };
  }

  const opsSecurity = opts.authRequired ? [{ bearer: ['runs:read'] }] : [];
  paths['/v1/runs'] = { get: { operationId: 'list_runs', summary: 'Recent runs, newest first, with per-source counts and errors', security: opsSecurity, parameters: [{ name: 'pipeline', in: 'query', schema: { type: 'string', enum: Object.keys(config.pipelines) } }, { name: 'status', in: 'query', schema: { enum: ['running', 'succeeded', 'failed', 'degraded'] } }, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 20 } }], responses: { '200': { description: 'Runs', content: { 'application/json': { schema: { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Run' } } } } } } }, ...errors(400, 401, 403) } } };
  paths['/v1/runs/{runId}'] = { get: { operationId: 'get_run', summary: 'One run', security: opsSecurity, parameters: [{ name: 'runId', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'The run', content: { 'application/json': { schema: { $ref: '#/components/schemas/Run' } } } }, ...errors(401, 403, 404) } } };
  paths['/v1/sources'] = { get: { operationId: 'list_sources', summary: 'Per source stream: last successful fetch vs the schedule, stale flag and reason, open alerts', security: opsSecurity, responses: { '200': { description: 'Freshness', content: { 'application/json': { schema: { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/SourceFreshness' } }, stale: { type: 'integer' }, alerts: { type: 'array', items: { type: 'object' } } } } } } }, ...errors(401, 403) } } };
  paths['/metrics'] = { get: { operationId: 'metrics', summary: 'Prometheus metrics', security: opsSecurity, responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } } } };
  paths['/graphql'] = { post: { operationId: 'graphql', summary: 'GraphQL over the same entities (Relay connections, filters, updatedSince)', security: opts.authRequired ? [{ bearer: [] }] : [], requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['query'], properties: { query: { type: 'string' }, variables: { type: 'object' }, operationName: { type: 'string' } } } } } }, responses: { '200': { description: 'GraphQL result' }, '400': { description: 'Invalid query' }, '401': { $ref: '#/components/responses/E401' } } } };
  paths['/healthz'] = { get: { operationId: 'healthz', summary: 'Liveness', security: [], responses: { '200': { description: 'The process answers' } } } };
  paths['/readyz'] = { get: { operationId: 'readyz', summary: 'Readiness: the database is reachable', security: [], responses: { '200': { description: 'Ready' }, '503': { $ref: '#/components/responses/E503' } } } };

  const response = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  return {
    openapi: '3.1.0',
    info: { title: 'Tributary access API', version: '1', description: 'Consolidated entities merged from upstream APIs, with provenance; runs and source freshness.' },
    paths,
    components: {
      schemas,
      responses: { E400: response('Bad parameter: the message names it and what is allowed'), E401: response('Missing or invalid bearer token'), E403: response('The token lacks the scope'), E404: response('Not found'), E503: response('Database unreachable') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from access.tokens; scopes: <entity>:read, runs:read or *.' } },
    },
    ...(opts.authRequired ? { security: [{ bearer: [] }] } : {}),
  };
}
