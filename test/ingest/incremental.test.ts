import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { commitWatermarks } from '../../ingest/commit-watermarks.js';
import { readWatermark } from '../../store/watermark-store.js';
import { type ConnectorHarness, startConnectorHarness } from '../connectors/connector-harness.js';
import { type SchemeServer, startSchemeServer } from '../connectors/servers/scheme-server.js';

let h: ConnectorHarness;
let api: SchemeServer;
before(async () => {
  [h, api] = await Promise.all([startConnectorHarness(), startSchemeServer(10)]);
});
after(async () => {
  await Promise.all([h?.close(), api?.close()]);
});

test('incremental: the watermark is fed into the request and advances only when committed', async () => {
  const deps = h.deps({ api: { type: 'rest', baseUrl: api.url, streams: { items: { path: '/incremental', params: { since: '{incremental.start}' }, recordsPath: '$.items', primaryKey: 'id', incremental: { cursorField: '$.updated_at' } } } } });
  const first = await h.fetchAll(deps, 'inc-1', 'api', 'items');
  assert.equal(first.records, 10, 'no watermark yet: everything');
  // The merge has not committed: nothing moves, so a retry of the run would read the same data.
  assert.equal(await readWatermark(h.db, 'api', 'items'), undefined);
  await commitWatermarks(h.db, deps.config, { runId: 'inc-1', streams: [{ source: 'api', stream: 'items' }] });
  assert.equal(await readWatermark(h.db, 'api', 'items'), api.items[9]!.updated_at);

  api.items.push({ id: 11, name: 'item 11', updated_at: new Date(Date.UTC(2026, 0, 2)).toISOString() });
  const second = await h.fetchAll(deps, 'inc-2', 'api', 'items');
  assert.equal(second.records, 1, 'only the record after the watermark');
  assert.ok(api.seen.some((r) => r.path.includes(`since=${encodeURIComponent(api.items[9]!.updated_at)}`)));
  await commitWatermarks(h.db, deps.config, { runId: 'inc-2', streams: [{ source: 'api', stream: 'items' }] });
  assert.equal(await readWatermark(h.db, 'api', 'items'), api.items[10]!.updated_at);
  // Committing an older run again never moves the watermark back.
  await commitWatermarks(h.db, deps.config, { runId: 'inc-1', streams: [{ source: 'api', stream: 'items' }] });
  assert.equal(await readWatermark(h.db, 'api', 'items'), api.items[10]!.updated_at);
});

test('incremental: a lookback re-reads late updates before the watermark', async () => {
  // A new source: no watermark yet, so the initial value (minus lookback) is the start.
  const deps = h.deps({ fresh: { type: 'rest', baseUrl: api.url, streams: { items: { path: '/incremental', params: { since: '{incremental.start}' }, recordsPath: '$.items', primaryKey: 'id', incremental: { cursorField: '$.updated_at', lookback: '1d', initial: '2026-01-02T00:00:00Z' } } } } });
  const progress = await h.fetchAll(deps, 'inc-lookback', 'fresh', 'items');
  assert.equal(progress.records, api.items.length - 1, 'one day back from the initial value: all but the item at exactly that instant');
});
