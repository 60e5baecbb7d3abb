import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConnectorError } from '../../connectors/connector-error.js';
import { fetchChunk } from '../../ingest/fetch-chunk.js';
import { type ConnectorHarness, startConnectorHarness } from './connector-harness.js';
import { startGraphqlServer } from './servers/graphql-server.js';

let h: ConnectorHarness;
let api: Awaited<ReturnType<typeof startGraphqlServer>>;
before(async () => {
  [h, api] = await Promise.all([startConnectorHarness(), startGraphqlServer()]);
});
after(async () => {
  await Promise.all([h?.close(), api?.close()]);
});

const itemsQuery = 'query Items($first: Int!, $after: String) { items(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name updatedAt } } } }';
const source = (streams: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ gql: { type: 'graphql', url: api.url, streams, ...extra } });

test('Relay pagination through a real GraphQL server, with the total checked', async () => {
  const deps = h.deps(source({ items: { query: itemsQuery, connectionPath: '$.data.items', pageSize: 5, primaryKey: 'id' } }));
  const progress = await h.fetchAll(deps, 'g-relay', 'gql', 'items');
  assert.deepEqual([progress.records, progress.pages, progress.paginationType, progress.reportedTotal, progress.truncation], [23, 5, 'relay', 23, undefined]);
});

test('nested connections are flattened: connectionPath inside an object, recordsPath on each node', async () => {
  const query = 'query($first: Int!, $after: String) { shop { items(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id lines(first: 5) { nodes { sku qty } } } } } } }';
  const deps = h.deps(source({ lines: { query, connectionPath: '$.data.shop.items', recordsPath: '$.lines.nodes', pageSize: 10, primaryKey: 'sku' } }));
  const progress = await h.fetchAll(deps, 'g-nested', 'gql', 'lines');
  assert.equal(progress.records, 46);
});

test('an invalid query is refused before any page, with the exact validation error', async () => {
  const bad = 'query($first: Int!, $after: String) { items(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id nmae } } } }';
  const deps = h.deps(source({ items: { query: bad, connectionPath: '$.data.items', primaryKey: 'id' } }));
  const before = api.state.queries;
  await assert.rejects(fetchChunk(deps, { runId: 'g-invalid', source: 'gql', stream: 'items', maxPages: 1 }), (e: unknown) => {
    assert.ok(e instanceof ConnectorError && e.code === 'GRAPHQL_VALIDATION' && !e.retryable);
    assert.match(e.message, /Cannot query field "nmae" on type "Item"\. Did you mean "name"\? \(line 1, column \d+\)/);
    return true;
  });
  assert.equal(api.state.queries, before + 1, 'only the introspection query was sent');
});

test('errors in a 200 response fail the page unless allowPartialData, which keeps the data and warns', async () => {
  api.state.failingIds.add(3);
  const query = 'query($first: Int!, $after: String) { items(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id secret } } } }';
  const strict = h.deps(source({ items: { query, connectionPath: '$.data.items', pageSize: 10, primaryKey: 'id' } }));
  await assert.rejects(fetchChunk(strict, { runId: 'g-partial-1', source: 'gql', stream: 'items', maxPages: 5 }), (e: unknown) => e instanceof ConnectorError && e.code === 'GRAPHQL_ERRORS' && /secret of 3 unavailable \(at items\.edges\.2\.node\.secret\)/.test(e.message));
  const lenient = h.deps(source({ items: { query, connectionPath: '$.data.items', pageSize: 10, primaryKey: 'id', allowPartialData: true } }));
  const progress = await h.fetchAll(lenient, 'g-partial-2', 'gql', 'items', 10);
  assert.ok(progress.warnings?.some((w) => /partial data.*secret of 3 unavailable/.test(w)));
  api.state.failingIds.clear();
});

test('schema drift between runs is reported', async () => {
  const deps = h.deps(source({ items: { query: itemsQuery, connectionPath: '$.data.items', pageSize: 50, primaryKey: 'id' } }));
  const first = await h.fetchAll(deps, 'g-drift-1', 'gql', 'items');
  assert.equal(first.warnings, undefined);
  api.state.drift = true;
  const second = await h.fetchAll(deps, 'g-drift-2', 'gql', 'items');
  assert.ok(second.warnings?.some((w) => /schema drift: the GraphQL schema of gql changed since the previous run/.test(w)));
  api.state.drift = false;
});

test('cost throttling: a THROTTLED response waits for the restore rate; GitHub rateLimit exhaustion pauses until resetAt', async () => {
  api.state.throttleNext = 1;
  const deps = h.deps(source({ items: { query: itemsQuery, connectionPath: '$.data.items', pageSize: 50, primaryKey: 'id' } }, { introspection: false }));
  const throttled = await h.fetchAll(deps, 'g-throttle', 'gql', 'items');
  assert.equal(throttled.records, 23);
  assert.ok((throttled.rateLimitWaitMs ?? 0) >= 350, `waited ${throttled.rateLimitWaitMs} ms for (50 - 10) / 100 s`);

  api.state.remaining = 1;
  const gh = 'query($first: Int!, $after: String) { rateLimit { cost remaining resetAt } items(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }';
  const ghDeps = h.deps(source({ items: { query: gh, connectionPath: '$.data.items', pageSize: 10, primaryKey: 'id' } }, { introspection: false }));
  const paused = await h.fetchAll(ghDeps, 'g-github', 'gql', 'items', 10);
  assert.equal(paused.records, 23);
  assert.ok((paused.rateLimitWaitMs ?? 0) >= 1000, `waited ${paused.rateLimitWaitMs} ms until resetAt`);
  api.state.remaining = 1000;
});

test('a static query-cost budget refuses a query that would cost too much', async () => {
  const query = 'query($first: Int!, $after: String) { items(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id lines(first: 100) { nodes { sku } } } } } }';
  const deps = h.deps(source({ items: { query, connectionPath: '$.data.items', pageSize: 50, primaryKey: 'id', maxQueryCost: 1000 } }));
  await assert.rejects(fetchChunk(deps, { runId: 'g-cost', source: 'gql', stream: 'items', maxPages: 1 }), (e: unknown) => e instanceof ConnectorError && e.code === 'GRAPHQL_COST' && /estimated at 5050 points, over maxQueryCost 1000/.test(e.message));
});

test('a per-run cost budget adds up the reported costs across chunks and fails before going over it', async () => {
  const gh = 'query($first: Int!, $after: String) { rateLimit { cost remaining resetAt } items(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }';
  const stream = { query: gh, connectionPath: '$.data.items', pageSize: 5, primaryKey: 'id' };
  // 23 items in pages of 5 cost 1 point each: 5 pages. A budget of 3 buys 3 of them, over two chunks.
  const tight = h.deps(source({ items: { ...stream, maxRunCost: 3 } }, { introspection: false }));
  const before = api.state.queries;
  await assert.rejects(h.fetchAll(tight, 'g-run-cost', 'gql', 'items', 2), (e: unknown) => {
    assert.ok(e instanceof ConnectorError && e.code === 'GRAPHQL_COST' && !e.retryable);
    assert.match(e.message, /spent 3 points and the next would cost about 1, over maxRunCost 3/);
    return true;
  });
  assert.equal(api.state.queries, before + 3, 'no request beyond the budget');
  assert.equal((await h.staged('g-run-cost', 'gql', 'items')).length, 15);

  const enough = h.deps(source({ items: { ...stream, maxRunCost: 5 } }, { introspection: false }));
  assert.equal((await h.fetchAll(enough, 'g-run-cost-ok', 'gql', 'items', 2)).records, 23);

  // Without a reported cost each page counts its static estimate (pageSize 5).
  const silent = h.deps(source({ items: { query: itemsQuery, connectionPath: '$.data.items', pageSize: 5, primaryKey: 'id', maxRunCost: 12 } }, { introspection: false }));
  await assert.rejects(h.fetchAll(silent, 'g-run-cost-est', 'gql', 'items', 2), /spent 10 points and the next would cost about 5, over maxRunCost 12/);
});
