import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConnectorError } from '../../connectors/connector-error.js';
import { type ConnectorHarness, startConnectorHarness } from './connector-harness.js';
import { type SchemeServer, startSchemeServer } from './servers/scheme-server.js';

let h: ConnectorHarness;
let api: SchemeServer;
let other: SchemeServer;
before(async () => {
  [h, api, other] = await Promise.all([startConnectorHarness(), startSchemeServer(), startSchemeServer()]);
  api.state.otherOrigin = other.url;
});
after(async () => {
  await Promise.all([h?.close(), api?.close(), other?.close()]);
});

const ids = (records: unknown[]) => records.map((r) => (r as { id: unknown }).id);
const source = (streams: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ api: { type: 'rest', baseUrl: api.url, streams, ...extra } });

const schemes: Array<[string, Record<string, unknown>, string]> = [
  ['page_number', { path: '/page', recordsPath: '$.items', primaryKey: id(), pagination: { type: 'page_number', sizeParam: 'per_page', size: 5, totalPagesPath: '$.total_pages', totalPath: '$.total' } }, 'page_number'],
  ['offset', { path: '/offset', recordsPath: '$.items', primaryKey: id(), pagination: { type: 'offset', limit: 7, totalPath: '$.total' } }, 'offset'],
  ['cursor', { path: '/cursor', primaryKey: id(), pagination: { type: 'cursor', cursorPath: '$.meta.next_cursor' } }, 'cursor'],
  ['cursor in a POST body', { path: '/cursor-post', method: 'POST', body: { filter: 'all' }, primaryKey: id(), pagination: { type: 'cursor', cursorPath: '$.meta.next_cursor', param: 'after', in: 'body' } }, 'cursor'],
  ['page number in a POST body with has_more', { path: '/page-post', method: 'POST', body: { size: 4 }, recordsPath: '$.items', primaryKey: id(), pagination: { type: 'page_number', in: 'body', hasMorePath: '$.has_more' } }, 'page_number'],
  ['next_url', { path: '/next-url', primaryKey: id(), pagination: { type: 'next_url', nextUrlPath: '$.links.next' } }, 'next_url'],
  ['link_header', { path: '/link', primaryKey: id(), pagination: { type: 'link_header' } }, 'link_header'],
  ['auto: link header', { path: '/link', primaryKey: id(), pagination: { type: 'auto' } }, 'auto:link_header'],
  ['auto: cursor', { path: '/cursor', primaryKey: id(), pagination: { type: 'auto' } }, 'auto:cursor'],
  ['auto: page count', { path: '/page', primaryKey: id(), pagination: { type: 'auto' } }, 'auto:page_number'],
  ['auto: offset/limit', { path: '/offset', recordsPath: '$.items', primaryKey: id(), pagination: { type: 'auto' } }, 'auto:offset'],
  ['auto: next url', { path: '/next-url', primaryKey: id(), pagination: { type: 'auto' } }, 'auto:next_url'],
];
function id() {
  return 'id';
}

for (const [name, stream, type] of schemes) {
  test(`${name}: every record staged once, in chunks, with the scheme reported`, async () => {
    const deps = h.deps(source({ items: stream }));
    const runId = `run-${name.replace(/\W+/g, '-')}`;
    const progress = await h.fetchAll(deps, runId, 'api', 'items');
    assert.equal(progress.paginationType, type);
    assert.equal(progress.records, api.items.length);
    assert.equal(progress.truncation, undefined);
    assert.deepEqual(ids(await h.staged(runId, 'api', 'items')), api.items.map((i) => i.id));
  });
}

test('caps stop a stream early and say which cap', async () => {
  const deps = h.deps(source({ items: { path: '/cursor', primaryKey: 'id', maxPages: 2, pagination: { type: 'cursor', cursorPath: '$.meta.next_cursor' } }, few: { path: '/offset', recordsPath: '$.items', primaryKey: 'id', maxRecords: 10, pagination: { type: 'offset', limit: 5, totalPath: '$.total' } } }));
  const byPages = await h.fetchAll(deps, 'run-caps', 'api', 'items');
  assert.deepEqual([byPages.pages, byPages.records, byPages.cappedBy, byPages.truncation], [2, 20, 'maxPages', undefined]);
  const byRecords = await h.fetchAll(deps, 'run-caps', 'api', 'few');
  assert.deepEqual([byRecords.records, byRecords.cappedBy], [10, 'maxRecords']);
});

test('a stream short of its reported total fails by default, is incomplete under degrade and a warning under warn', async () => {
  const stream = (onTruncation?: string) => ({ items: { path: '/short-total', recordsPath: '$.items', primaryKey: 'id', pagination: { type: 'single', totalPath: '$.total' }, ...(onTruncation ? { onTruncation } : {}) } });
  await assert.rejects(h.fetchAll(h.deps(source(stream())), 'run-short-1', 'api', 'items'), (e: unknown) => {
    assert.ok(e instanceof ConnectorError && e.code === 'STREAM_INCOMPLETE' && !e.retryable);
    assert.match(e.message, /api\.items is incomplete: the API reported 40 records but 5 arrived/);
    return true;
  });
  // A retried activity settles the same way: the outcome is in the checkpoint.
  await assert.rejects(h.fetchAll(h.deps(source(stream())), 'run-short-1', 'api', 'items'), /is incomplete/);
  const degraded = await h.fetchAll(h.deps(source(stream('degrade'))), 'run-short-2', 'api', 'items');
  assert.deepEqual([degraded.incomplete, degraded.truncation], ['the API reported 40 records but 5 arrived', undefined]);
  const warned = await h.fetchAll(h.deps(source(stream('warn'))), 'run-short-3', 'api', 'items');
  assert.deepEqual([warned.incomplete, warned.truncation], [undefined, 'the API reported 40 records but 5 arrived']);
});

test('a next link to another origin is refused by default, and followed without auth when allowed', async () => {
  const streams = (allow: boolean) => ({ items: { path: '/cross-origin', recordsPath: '$.results', primaryKey: 'id', pagination: { type: 'next_url', nextUrlPath: '$.next', allowCrossOrigin: allow } } });
  const auth = { auth: { type: 'api_key', name: 'X-API-Key', value: 'env:KEY' } };
  const refused = h.deps(source(streams(false), auth), { KEY: 'k-1234567' });
  await assert.rejects(h.fetchAll(refused, 'run-cross-1', 'api', 'items'), (e: unknown) => e instanceof ConnectorError && e.code === 'CROSS_ORIGIN' && !e.retryable && e.message.includes(other.url));
  assert.equal(other.seen.length, 0, 'nothing was sent to the other origin');

  const allowed = h.deps(source(streams(true), auth), { KEY: 'k-1234567' });
  await h.fetchAll(allowed, 'run-cross-2', 'api', 'items');
  assert.equal(other.seen.length, 1);
  assert.equal(other.seen[0]!.headers['x-api-key'], undefined, 'the API key never leaves the configured origin');
});

test('request templates: parent fields in the path fan a child stream out over the parent records', async () => {
  const deps = h.deps(
    source({
      accounts: { path: '/accounts', primaryKey: 'id' },
      contacts: { path: '/accounts/{parent.id}/contacts', primaryKey: 'id', parent: { stream: 'accounts', fields: { account_id: '$.id' } }, pagination: { type: 'page_number' } },
    }),
  );
  await h.fetchAll(deps, 'run-parent', 'api', 'accounts');
  const progress = await h.fetchAll(deps, 'run-parent', 'api', 'contacts', 1);
  assert.equal(progress.records, 6);
  const contacts = (await h.staged('run-parent', 'api', 'contacts')) as Array<{ id: string; account_id: string }>;
  assert.deepEqual(contacts.map((c) => c.id), ['a1-c1', 'a1-c2', 'a1-c3', 'a3-c1', 'a3-c2', 'a3-c3']);
  assert.deepEqual([...new Set(contacts.map((c) => c.account_id))], ['a1', 'a3']);
});

test('a redirect to another origin is refused by default; allowed, it carries no header the request set and no key parameter', async () => {
  const streams = (allow: boolean, path = '/redirect-away') => ({
    items: { path, recordsPath: '$.results', primaryKey: 'id', headers: { 'X-Session': 'sess-{window.end}' }, pagination: { type: 'next_url', nextUrlPath: '$.next', allowCrossOrigin: allow } },
  });
  const headerKey = { auth: { type: 'api_key', name: 'X-API-Key', value: 'env:KEY' }, headers: { 'X-Tenant-Token': 'tenant-secret' } };
  const seenBefore = other.seen.length;
  const refused = h.deps(source(streams(false), headerKey), { KEY: 'k-redirect-1' });
  await assert.rejects(h.fetchAll(refused, 'run-redirect-1', 'api', 'items'), (e: unknown) => {
    assert.ok(e instanceof ConnectorError && e.code === 'CROSS_ORIGIN' && !e.retryable);
    assert.match(e.message, /redirect leaves the requested origin \(http:\/\/127\.0\.0\.1:\d+ -> http:\/\/127\.0\.0\.1:\d+\/stolen\) and was refused/);
    assert.ok(!e.message.includes('k-redirect-1'));
    return true;
  });
  assert.equal(other.seen.length, seenBefore, 'nothing was sent to the other origin');

  const allowed = h.deps(source(streams(true), headerKey), { KEY: 'k-redirect-2' });
  await h.fetchAll(allowed, 'run-redirect-2', 'api', 'items');
  const away = other.seen.at(-1)!;
  assert.equal(away.path, '/stolen');
  for (const name of ['x-api-key', 'x-session', 'x-tenant-token', 'authorization', 'cookie']) assert.equal(away.headers[name], undefined, `${name} stays home`);

  const queryKey = { auth: { type: 'api_key', in: 'query', name: 'api_key', value: 'env:KEY' } };
  const inQuery = h.deps(source(streams(true), queryKey), { KEY: 'k-redirect-3' });
  await h.fetchAll(inQuery, 'run-redirect-3', 'api', 'items');
  assert.ok(!other.seen.at(-1)!.path.includes('k-redirect-3'), `no key in ${other.seen.at(-1)!.path}`);

  // Within the origin a redirect keeps everything the request needs.
  const home = h.deps(source(streams(false, '/redirect-home'), headerKey), { KEY: 'k-redirect-4' });
  const progress = await h.fetchAll(home, 'run-redirect-4', 'api', 'items');
  assert.equal(progress.records, 3);
  const target = api.seen.at(-1)!;
  assert.deepEqual([target.path, target.headers['x-api-key'], target.headers['x-tenant-token']], ['/redirect-target', 'k-redirect-4', 'tenant-secret']);
});
