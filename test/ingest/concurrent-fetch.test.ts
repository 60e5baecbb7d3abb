import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ConnectorHarness, startConnectorHarness } from '../connectors/connector-harness.js';
import { type LatencyServer, startLatencyServer } from '../connectors/servers/latency-server.js';

let h: ConnectorHarness;
let api: LatencyServer;
before(async () => {
  h = await startConnectorHarness();
  api = await startLatencyServer({ total: 403, parents: 30, delayMs: 40 });
});
after(async () => {
  await api?.stop();
  await h?.close();
});

const sources = (maxConcurrency: number | undefined) => ({
  lat: {
    type: 'rest',
    baseUrl: api.url,
    ...(maxConcurrency ? { rateLimit: { maxConcurrency } } : {}),
    streams: {
      pages: { path: '/pages', recordsPath: '$.data', primaryKey: 'id', pagination: { type: 'page_number', param: 'page', sizeParam: 'per_page', size: 10, totalPagesPath: '$.total_pages', totalPath: '$.total' } },
      offsets: { path: '/offset', recordsPath: '$.data', primaryKey: 'id', pagination: { type: 'offset', offsetParam: 'offset', limitParam: 'limit', limit: 10, totalPath: '$.total' } },
      cursors: { path: '/cursor', recordsPath: '$.data', primaryKey: 'id', pagination: { type: 'cursor', cursorPath: '$.next', param: 'cursor' } },
      parents: { path: '/parents', recordsPath: '$.data', primaryKey: 'id', pagination: { type: 'page_number', param: 'page', totalPagesPath: '$.total_pages' } },
      children: {
        path: '/parents/{parent.id}/items',
        recordsPath: '$.data',
        primaryKey: 'id',
        parent: { stream: 'parents', fields: { parent_id: '$.id' } },
        pagination: { type: 'cursor', cursorPath: '$.next_page', param: 'page' },
      },
    },
  },
});

const ids = (records: unknown[]) => records.map((r) => (r as { id: string }).id);

for (const stream of ['pages', 'offsets'] as const) {
  test(`${stream}: up to maxConcurrency requests at once, never more, every record once and in order`, async () => {
    api.reset();
    const deps = h.deps(sources(6));
    const progress = await h.fetchAll(deps, `conc-${stream}`, 'lat', stream, 25);
    assert.equal(progress.records, api.items.length);
    assert.deepEqual(ids(await h.staged(`conc-${stream}`, 'lat', stream)), api.items.map((i) => i.id), 'exactly the upstream records, in page order');
    assert.equal(api.maxInFlight, 6, 'the limit is used and never exceeded');
    assert.equal(api.log.length, 41, 'no page requested twice or beyond the end');
  });
}

test('cursor pages stay serial: one request in flight', async () => {
  api.reset();
  const progress = await h.fetchAll(h.deps(sources(6)), 'conc-cursor', 'lat', 'cursors', 25);
  assert.equal(progress.records, api.items.length);
  assert.equal(api.maxInFlight, 1);
});

test('children of different parents are requested concurrently within the limit; every child record once', async () => {
  api.reset();
  const deps = h.deps(sources(5));
  await h.fetchAll(deps, 'conc-children', 'lat', 'parents', 10);
  api.reset();
  const progress = await h.fetchAll(deps, 'conc-children', 'lat', 'children', 20);
  // Two pages of two children for each of 30 parents.
  assert.equal(progress.records, 120);
  const staged = ids(await h.staged('conc-children', 'lat', 'children'));
  const expected = Array.from({ length: 30 }, (_, p) => [1, 2].flatMap((page) => [0, 1].map((k) => `p${String(p).padStart(4, '0')}-${page}-${k}`))).flat();
  assert.deepEqual(staged, expected, 'parent by parent, page by page');
  assert.ok(api.maxInFlight > 1 && api.maxInFlight <= 5, `in flight: ${api.maxInFlight}`);
});

test('without maxConcurrency a stream keeps the default number of pages in flight', async () => {
  api.reset();
  await h.fetchAll(h.deps(sources(undefined)), 'conc-default', 'lat', 'pages', 100);
  assert.equal(api.maxInFlight, 4);
});

test('sources test says which streams page concurrently and why the others are serial', async () => {
  const { dryRunStream, standaloneDeps } = await import('../../connectors/dry-run.js');
  const { parseConfig } = await import('../../config/load-config.js');
  const config = parseConfig({ version: 1, sources: sources(6), entities: {}, pipelines: {} }, 'test', {});
  const paging = async (stream: string) => (await dryRunStream(config, 'lat', stream, 1, standaloneDeps({ env: {} }))).paging;
  assert.deepEqual(await paging('pages'), { mode: 'concurrent', inFlight: 6, why: 'up to 6 pages in flight once the page count is known' });
  assert.equal((await paging('offsets')).mode, 'concurrent');
  assert.deepEqual(await paging('cursors'), { mode: 'serial', inFlight: 1, why: "each page's request depends on the previous response (cursor)" });
  assert.deepEqual(await paging('children'), { mode: 'concurrent', inFlight: 6, why: 'children of up to 6 parents at once' });
});
