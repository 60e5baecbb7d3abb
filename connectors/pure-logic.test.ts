import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'graphql';
import { HttpStatusError } from './connector-error.js';
import { costPauseMs, estimateQueryCost } from './graphql/query-cost.js';
import { backoffDelayMs, decideRetry } from './http/retry-delay.js';
import { rateLimitPauseMs, retryAfterMs } from './http/retry-after.js';
import { detectPagination } from './pagination/detect-pagination.js';
import { renderJson, renderPath, renderRecord } from './request/template.js';

const policy = { attempts: 2, baseDelayMs: 100, maxDelayMs: 1000, maxInlineWaitMs: 5000 };
const page = (body: unknown, headers: Record<string, string> = {}) => ({ body, headers, url: 'https://x/y', recordCount: 1 });

test('backoff delays stay within [0, min(max, base * 2^attempt)] (full jitter)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
      const d = backoffDelayMs(attempt, policy, () => r);
      return d >= 0 && d <= Math.min(1000, 100 * 2 ** attempt);
    }),
  );
});

test('retry decisions: 5xx retried then handed to Temporal, Retry-After honoured or deferred, 4xx final', () => {
  const e503 = new HttpStatusError(503, 'u', '');
  assert.equal(decideRetry(e503, 0, policy, () => 0.5).action, 'retry');
  assert.equal(decideRetry(e503, 2, policy).action, 'fail');
  assert.deepEqual(decideRetry(new HttpStatusError(429, 'u', '', 2000), 0, policy), { action: 'retry', delayMs: 2000 });
  assert.deepEqual(decideRetry(new HttpStatusError(429, 'u', '', 60_000), 0, policy), { action: 'defer', delayMs: 60_000 });
  assert.equal(decideRetry(new HttpStatusError(404, 'u', ''), 0, policy).action, 'fail');
  assert.equal(decideRetry(new Error('boom'), 0, policy).action, 'fail');
});

test('Retry-After and RateLimit headers', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryAfterMs({ 'retry-after': '3' }, now), 3000);
  assert.equal(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }, now), 10_000);
  assert.equal(rateLimitPauseMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) }, now), 30_000);
  assert.equal(rateLimitPauseMs({ 'ratelimit-remaining': '0', 'ratelimit-reset': '7' }, now), 7000);
  assert.equal(rateLimitPauseMs({ ratelimit: 'limit=100, remaining=0, reset=5' }, now), 5000);
  assert.equal(rateLimitPauseMs({ 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': '7' }, now), undefined);
});

test('auto detection picks the scheme and says why', () => {
  assert.equal(detectPagination(page([], { link: '<https://x/y?page=2>; rel="next"' }), { allowCrossOrigin: false }).config.type, 'link_header');
  assert.deepEqual(detectPagination(page({ data: [], paging: { next: 'https://x/y?after=2' } }), { allowCrossOrigin: false }).config, { type: 'next_url', nextUrlPath: '$.paging.next', allowCrossOrigin: false });
  const cursor = detectPagination(page({ items: [], nextPageToken: 'abc' }), { allowCrossOrigin: false });
  assert.deepEqual([cursor.config.type, (cursor.config as { param: string }).param, cursor.reason], ['cursor', 'pageToken', 'cursor at $.nextPageToken, sent as pageToken']);
  assert.equal((detectPagination(page({ nodes: [], pageInfo: { hasNextPage: true, endCursor: 'c' } }), { allowCrossOrigin: false }).config as { param: string }).param, 'after');
  assert.deepEqual(detectPagination(page({ items: [], page: 1, total_pages: 3, total: 25 }), { allowCrossOrigin: false }).config, { type: 'page_number', param: 'page', start: 1, totalPagesPath: '$.total_pages', in: 'query', totalPath: '$.total' });
  assert.equal(detectPagination(page({ items: [], offset: 0, limit: 10 }), { allowCrossOrigin: false }).config.type, 'offset');
  assert.equal(detectPagination(page([1, 2]), { allowCrossOrigin: false }).config.type, 'single');
  assert.equal(detectPagination(page({ data: [1], has_more: false, links: { self: '/x', next: null } }), { allowCrossOrigin: false }).config.type, 'single');
  assert.equal(detectPagination(page({ value: [], '@odata.nextLink': 'https://x/y?$skip=10' }), { allowCrossOrigin: false }).config.type, 'next_url');
});

// Defect: a Stripe-style list ({object: list, data, has_more: true}) was read as a single page.
test('auto refuses to settle for one page when the response says more exist', () => {
  const stripe = { object: 'list', url: '/v1/customers', data: [{ id: 'cus_1' }], has_more: true };
  assert.throws(() => detectPagination(page(stripe), { allowCrossOrigin: false }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'PAGINATION_UNDETECTED');
    assert.match(err.message, /\$\.has_more is true/);
    assert.match(err.message, /starting_after/);
    return true;
  });
  assert.throws(() => detectPagination({ ...page({ items: [1, 2] }), recordCount: 2, body: { items: [1, 2], count: 2, total: 50 } }, { allowCrossOrigin: false }), /reports 50 records, the page held 2/);
  assert.throws(() => detectPagination(page({ items: [], continuation_token: 'abc==' }), { allowCrossOrigin: false }), /continuation_token/);
});

test('templates: path values are encoded, missing params dropped, whole-value body templates keep their type', () => {
  const ctx = { parent: { id: 'a/1', n: 7 }, window: { start: '2026-01-01T00:00:00.000Z' }, incremental: {} };
  assert.equal(renderPath('/accounts/{parent.id}/contacts', ctx), '/accounts/a%2F1/contacts');
  assert.throws(() => renderPath('/x/{parent.missing}', ctx), /TEMPLATE|refers to a value/);
  assert.deepEqual(renderRecord({ since: '{incremental.start}', from: '{window.start}', k: 1 }, ctx), { from: '2026-01-01T00:00:00.000Z', k: 1 });
  assert.deepEqual(renderJson({ n: '{parent.n}', s: 'id={parent.id}', gone: '{incremental.start}', keep: '{not.a.template}' }, ctx), { n: 7, s: 'id=a/1', keep: '{not.a.template}' });
});

test('GraphQL costs: static estimate multiplies nested page sizes; reported budgets give pauses', () => {
  const doc = parse('query($n: Int) { a(first: $n) { edges { node { b(first: 10) { id } } } } c { id } }');
  assert.equal(estimateQueryCost(doc, { n: 100 }), 100 + 1000);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(costPauseMs({ data: { rateLimit: { cost: 5, remaining: 2, resetAt: '2026-01-01T00:01:00Z' } } }, now), 60_000);
  assert.equal(costPauseMs({ data: { rateLimit: { cost: 5, remaining: 200, resetAt: '2026-01-01T00:01:00Z' } } }, now), 0);
  assert.equal(costPauseMs({ extensions: { cost: { requestedQueryCost: 100, throttleStatus: { currentlyAvailable: 50, restoreRate: 50 } } } }), 1000);
});
