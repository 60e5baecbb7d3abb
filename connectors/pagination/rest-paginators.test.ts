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
  assert.deepEqual(s1, { next: { page: 2, seen: 2, cap: 2, last: 2 }, reportedTotal: 3 });
  assert.deepEqual(p.request(s1.next), { query: { page: 2, per_page: 2 } });
  assert.equal(p.next(s1.next, page({ total_pages: 2, total: 3 }, 1)).next, null);
});

test('page_number stops on an empty page when nothing else is known', () => {
  const p = createRestPaginator({ type: 'page_number', in: 'query', param: 'p', start: 0 });
  assert.deepEqual(p.next(null, page({}, 5)).next, { page: 1, seen: 5, cap: 5 });
  assert.equal(p.next({ page: 1 }, page({}, 0)).next, null);
});

test('offset advances by records received and stops on a page shorter than the earlier ones', () => {
  const p = createRestPaginator({ type: 'offset', in: 'query', offsetParam: 'offset', limitParam: 'limit', limit: 10 });
  assert.deepEqual(p.request(null), { query: { offset: 0, limit: 10 } });
  assert.deepEqual(p.next(null, page({}, 10)).next, { offset: 10, cap: 10 });
  assert.equal(p.next({ offset: 10, cap: 10 }, page({}, 3)).next, null);
});

// Defect: a server capping pages at 100 below a configured limit of 250 ended the stream after one page.
test('offset follows a silent server-side page cap below the configured limit', () => {
  const p = createRestPaginator({ type: 'offset', in: 'query', offsetParam: 'offset', limitParam: 'limit', limit: 250 });
  let state = p.next(null, page({}, 100)).next;
  assert.deepEqual(state, { offset: 100, cap: 100 });
  for (let i = 0; i < 7; i++) state = p.next(state, page({}, 100)).next;
  assert.deepEqual(state, { offset: 800, cap: 100 });
  assert.equal(p.next(state, page({}, 14)).next, null);
  // A first short page is followed by one more request; an empty one ends it.
  assert.deepEqual(p.next(null, page({}, 14)).next, { offset: 14, cap: 14 });
  assert.equal(p.next({ offset: 14, cap: 14 }, page({}, 0)).next, null);
});

// Defect: offset and page paginators stopped on a short page although the reported total said more remained.
test('offset and page_number keep going while the reported total or has_more says more remain', () => {
  const o = createRestPaginator({ type: 'offset', in: 'query', offsetParam: 'offset', limitParam: 'limit', limit: 100, totalPath: '$.total' });
  assert.deepEqual(o.next({ offset: 100, cap: 50 }, page({ total: 417 }, 50)).next, { offset: 150, cap: 50, total: 417 });
  assert.equal(o.next({ offset: 400, cap: 50 }, page({ total: 417 }, 17)).next, null);
  const h = createRestPaginator({ type: 'offset', in: 'query', offsetParam: 'offset', limitParam: 'limit', limit: 100, hasMorePath: '$.has_more' });
  assert.deepEqual(h.next({ offset: 100, cap: 100 }, page({ has_more: true }, 20)).next, { offset: 120, cap: 100 });
  const n = createRestPaginator({ type: 'page_number', in: 'query', param: 'page', start: 1, sizeParam: 'per_page', size: 100, totalPath: '$.total' });
  assert.deepEqual(n.next(null, page({ total: 417 }, 50)).next, { page: 2, seen: 50, cap: 50, last: 9 });
  assert.equal(n.next({ page: 9, seen: 400, cap: 50 }, page({ total: 417 }, 17)).next, null);
});

test('a has_more without a way to follow it is reported as incomplete', () => {
  const c = createRestPaginator({ type: 'cursor', cursorPath: '$.next', param: 'cursor', in: 'query', hasMorePath: '$.has_more' });
  assert.match(c.next(null, page({ has_more: true, next: null }, 5)).incomplete ?? '', /has_more is true but there is no cursor/);
  const u = createRestPaginator({ type: 'next_url', nextUrlPath: '$.next', allowCrossOrigin: false, hasMorePath: '$.more' });
  assert.match(u.next(null, page({ more: true }, 5)).incomplete ?? '', /no next URL/);
  const r = relayPaginator({ connectionPath: '$.c', pageSize: 2 });
  assert.match(r.next(null, page({ c: { pageInfo: { hasNextPage: true } } }, 2)).incomplete ?? '', /endCursor is missing/);
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

test('ahead names the pages after a page once the end is known, each assumed full, and nothing before', () => {
  const n = createRestPaginator({ type: 'page_number', in: 'query', param: 'page', start: 1, sizeParam: 'per_page', size: 10, totalPagesPath: '$.pages' });
  assert.deepEqual(n.ahead!({ page: 2, seen: 10, cap: 10 }, 3), [], 'no page count seen yet');
  const s2 = n.next(null, page({ pages: 4 }, 10)).next!;
  assert.deepEqual(n.ahead!(s2, 5), [
    { page: 3, seen: 20, cap: 10, last: 4 },
    { page: 4, seen: 30, cap: 10, last: 4 },
  ]);
  // Exact: the state paging reaches after a full page equals the predicted one.
  assert.deepEqual(n.next(s2, page({ pages: 4 }, 10)).next, n.ahead!(s2, 1)[0]);
  const o = createRestPaginator({ type: 'offset', in: 'query', offsetParam: 'offset', limitParam: 'limit', limit: 100, totalPath: '$.total' });
  const o2 = o.next(null, page({ total: 250 }, 100)).next!;
  assert.deepEqual(o.ahead!(o2, 5), [{ offset: 200, cap: 100, total: 250 }]);
  assert.deepEqual(o.next(o2, page({ total: 250 }, 100)).next, o.ahead!(o2, 1)[0]);
  // A server capping pages below the limit: predictions follow the size it serves.
  const capped = o.next(null, page({ total: 250 }, 50)).next!;
  assert.deepEqual(o.ahead!(capped, 2).map((s) => s.offset), [100, 150]);
  const c = createRestPaginator({ type: 'cursor', cursorPath: '$.next', param: 'cursor', in: 'query' });
  assert.equal(c.ahead, undefined, 'a cursor page depends on the one before');
});
