import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type OpenApiDocument, onboardOpenApi } from './openapi-onboard.js';

const item = { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' }, amount: { type: 'number' }, active: { type: 'boolean' }, tags: { type: 'array', items: { type: 'string' } }, updated: { type: 'string', format: 'date-time' } } };

test('Swagger 2: host, basePath and schemes make the base URL; an apiKey definition becomes api_key; offset paging with a total', () => {
  const doc = {
    swagger: '2.0',
    host: 'api.example.com',
    basePath: '/v2',
    schemes: ['https'],
    securityDefinitions: { key: { type: 'apiKey', in: 'query', name: 'api_key' } },
    security: [{ key: [] }],
    paths: {
      '/invoices': {
        get: {
          operationId: 'listInvoices',
          parameters: [{ name: 'offset', in: 'query', type: 'integer' }, { name: 'limit', in: 'query', type: 'integer', maximum: 500 }, { name: 'updated_since', in: 'query', type: 'string', format: 'date-time' }],
          responses: { '200': { description: 'ok', schema: { type: 'object', properties: { results: { type: 'array', items: { ...item, properties: { ...item.properties, updated_at: { type: 'string', format: 'date-time' } } } }, total_count: { type: 'integer' } } } } },
        },
      },
    },
  } as unknown as OpenApiDocument;
  const plan = onboardOpenApi(doc, { operation: 'listInvoices' });
  const stream = (plan.source.streams as Record<string, Record<string, unknown>>).invoices!;
  assert.equal(plan.sourceName, 'example');
  assert.equal(plan.source.baseUrl, 'https://api.example.com/v2');
  assert.deepEqual(plan.source.auth, { type: 'api_key', in: 'query', name: 'api_key', value: 'env:EXAMPLE_API_KEY' });
  assert.deepEqual(stream.pagination, { type: 'offset', offsetParam: 'offset', limitParam: 'limit', limit: 100, totalPath: '$.total_count' });
  assert.equal(stream.recordsPath, '$.results');
  assert.deepEqual(stream.incremental, { cursorField: '$.updated_at', cursorType: 'timestamp' });
  assert.deepEqual(stream.params, { updated_since: '{incremental.start}' });
  assert.deepEqual(plan.secrets, ['EXAMPLE_API_KEY']);
  const entity = plan.entity as { fields: Record<string, { type: string; array?: boolean }>; matchOn: string[] };
  assert.deepEqual(entity.matchOn, ['id']);
  assert.deepEqual([entity.fields.amount?.type, entity.fields.active?.type, entity.fields.tags, entity.fields.updated_at?.type], ['decimal', 'boolean', { type: 'string', array: true }, 'timestamp']);
});

test('OpenAPI 3: a Stripe-style list pages by the last id while has_more; bearer auth; GET /path selects the operation', () => {
  const doc = {
    openapi: '3.0.0',
    servers: [{ url: 'https://{region}.pay.example.com/v1', variables: { region: { default: 'eu' } } }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/customers': {
        get: {
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } }, { name: 'starting_after', in: 'query', schema: { type: 'string' } }],
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { object: { type: 'string' }, data: { type: 'array', items: item }, has_more: { type: 'boolean' } } } } } } },
        },
      },
    },
  } as unknown as OpenApiDocument;
  const plan = onboardOpenApi(doc, { operation: 'GET /customers', sourceName: 'pay' });
  const stream = (plan.source.streams as Record<string, Record<string, unknown>>).customers!;
  assert.equal(plan.source.baseUrl, 'https://eu.pay.example.com/v1');
  assert.deepEqual(plan.source.auth, { type: 'bearer', token: 'env:PAY_TOKEN' });
  assert.deepEqual(stream.pagination, { type: 'cursor', cursorPath: '$.data[-1].id', param: 'starting_after', hasMorePath: '$.has_more' });
  assert.deepEqual(stream.params, { limit: 100 });
  assert.throws(() => onboardOpenApi(doc, { operation: 'GET /customer' }), /no operation "GET \/customer".*did you mean "\/customers"\?/);
});
