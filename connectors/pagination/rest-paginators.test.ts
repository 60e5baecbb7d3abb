import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLinkHeader } from './link-header.js';
import type { PageOutcome } from './paginator.js';
import { createRestPaginator } from './rest-paginators.js';
import { relayPaginator } from './relay-paginator.js';

const page = (body: unknown, recordCount: number, headers: PageOutcome['headers'] = {}): PageOutcome => ({ body, headers, url: 'https://api.example.com/v1/items', recordCount });

test('page_number stops at the reported page count and reports the total', () => {
  const p = createRestPaginator({ type: 'page_number', in: 'query', param: 'page', start: 1, sizeParam: 'per_page', size: 2, totalPagesPath: '$.total_pages', totalPath: '$.total' });
  assert.deepEqual(p.request(null), { query: { page: 1, per_page: 2 } });
  const s1 = p.next(null, page({ total_pages: 2, total: 3 }, 2));
  assert.deepEqual(s1, { next: { page: 2, seen: 2 }, reportedTotal: 3 });
  assert.deepEqual(p.request(s1.next), { query: { page: 2, per_page: 2 } });
  assert.equal(p.next(s1.next, page({ total_pages: 2, total: 3 }, 1)).next, null);
});

test('page_number stops on an empty page when nothing else is known', () => {
  const p = createRestPaginator({ type: 'page_number', in: 'query', param: 'p', start: 0 });
  assert.deepEqual(p.next(null, page({}, 5)).next, { page: 1, seen: 5 });
  assert.equal(p.next({ page: 1 }, page({}, 0)).next, null);
});

test('offset advances by records received and stops on a short page', () => {
  const p = createRestPaginator({ type: 'offset', in: 'query', offsetParam: 'offset', limitParam: 'limit', limit: 10 });
  assert.deepEqual(p.request(null), { query: { offset: 0, limit: 10 } });
  assert.deepEqual(p.next(null, page({}, 10)).next, { offset: 10 });
  assert.equal(p.next({ offset: 10 }, page({}, 3)).next, null);
});

test('cursor reads the next cursor, honours has_more and can send it in the body', () => {
  const q = createRestPaginator({ type: 'cursor', cursorPath: '$.next', param: 'cursor', in: 'query' });
  assert.deepEqual(q.next(null, page({ next: 'abc' }, 1)).next, { cursor: 'abc' });
  assert.deepEqual(q.request({ cursor: 'abc' }), { query: { cursor: 'abc' } });
  assert.equal(q.next(null, page({ next: null }, 1)).next, null);
  const b = createRestPaginator({ type: 'cursor', cursorPath: '$.next', param: 'after', in: 'body', hasMorePath: '$.has_more' });
  assert.deepEqual(b.request({ cursor: 'x' }), { body: { after: 'x' } });
  assert.equal(b.next(null, page({ next: 'y', has_more: false }, 1)).next, null);
});

test('next_url resolves relative links against the page URL', () => {
  const p = createRestPaginator({ type: 'next_url', nextUrlPath: '$.links.next', allowCrossOrigin: false });
  assert.deepEqual(p.next(null, page({ links: { next: '/v1/items?page=2' } }, 1)).next, { url: 'https://api.example.com/v1/items?page=2' });
  assert.deepEqual(p.request({ url: 'https://api.example.com/v1/items?page=2' }), { url: 'https://api.example.com/v1/items?page=2' });
});

test('link_header follows rel=next (RFC 8288)', () => {
  const p = createRestPaginator({ type: 'link_header', rel: 'next', allowCrossOrigin: false });
  const link = '<https://api.example.com/v1/items?page=3>; rel="next", <https://api.example.com/v1/items?page=9>; rel="last"';
  assert.deepEqual(p.next(null, page([], 2, { link })).next, { url: 'https://api.example.com/v1/items?page=3' });
  assert.equal(p.next(null, page([], 2, { link: '<x>; rel="last"' })).next, null);
  assert.deepEqual(parseLinkHeader('<a>; rel="prev next"; title="t"'), [{ url: 'a', rel: 'prev next' }]);
});

test('relay uses pageInfo and totalCount', () => {
  const p = relayPaginator({ connectionPath: '$.data.items', pageSize: 2 });
  assert.deepEqual(p.request(null), { body: { first: 2, after: null } });
  const body = { data: { items: { totalCount: 3, pageInfo: { hasNextPage: true, endCursor: 'c2' } } } };
  assert.deepEqual(p.next(null, page(body, 2)), { next: { after: 'c2' }, reportedTotal: 3 });
  const last = { data: { items: { pageInfo: { hasNextPage: false, endCursor: 'c3' } } } };
  assert.equal(p.next({ after: 'c2' }, page(last, 1)).next, null);
});
