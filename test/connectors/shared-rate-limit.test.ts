import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Kysely } from 'kysely';
import { createRateLimiterRegistry } from '../../connectors/rate-limit/rate-limiter.js';
import type { SharedRateBudget } from '../../connectors/rate-limit/shared-rate-limiter.js';
import type { FetchDeps } from '../../ingest/fetch-chunk.js';
import { connectDatabase } from '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { createPgRateBudget } from '../../store/rate-budget-store.js';
import { type ConnectorHarness, startConnectorHarness } from './connector-harness.js';
import { type LatencyServer, startLatencyServer } from './servers/latency-server.js';

/**
 * Two "workers" (each with its own connection pool and limiter registry, as two processes have)
 * fetch streams of one source at once: the source's limits hold for both together.
 */
let h: ConnectorHarness;
let api: LatencyServer;
const pools: Array<{ db: Kysely<Database>; budget: SharedRateBudget }> = [];
before(async () => {
  h = await startConnectorHarness();
  api = await startLatencyServer({ total: 200, delayMs: 30 });
});
after(async () => {
  for (const p of pools) {
    await p.budget.close();
    await p.db.destroy();
  }
  await api?.stop();
  await h?.close();
});

const pagesStream = (path: string) => ({ path, recordsPath: '$.data', primaryKey: 'id', pagination: { type: 'page_number', param: 'page', sizeParam: 'per_page', size: 10, totalPagesPath: '$.total_pages' } });

/** A worker-like set of deps whose limiter shares the source's budget through Postgres. */
function workerDeps(rateLimit: Record<string, unknown>): FetchDeps {
  const { db, pool } = connectDatabase(h.url);
  const budget = createPgRateBudget(db, pool);
  pools.push({ db, budget });
  const deps = h.deps({ lat: { type: 'rest', baseUrl: api.url, rateLimit, streams: { a: pagesStream('/pages'), b: pagesStream('/pages') } } });
  return { ...deps, db, copyPool: pool, rateLimits: createRateLimiterRegistry(Date.now, budget) };
}

test('maxConcurrency holds for the source across workers: never more in flight than allowed, and all of it used', async () => {
  api.reset();
  const [one, two] = [workerDeps({ maxConcurrency: 3 }), workerDeps({ maxConcurrency: 3 })];
  await Promise.all([h.fetchAll(one, 'shared-conc', 'lat', 'a', 50), h.fetchAll(two, 'shared-conc', 'lat', 'b', 50)]);
  assert.equal(api.maxInFlight, 3, 'two workers, each allowed 3 by its own limiter, together keep 3 in flight');
  assert.equal(api.log.length, 40);
});

test('requestsPerSecond holds for the source across workers within 5 %', async () => {
  api.reset();
  api.delayMs = 5;
  const [one, two] = [workerDeps({ requestsPerSecond: 25 }), workerDeps({ requestsPerSecond: 25 })];
  const started = Date.now();
  await Promise.all([h.fetchAll(one, 'shared-rps', 'lat', 'a', 50), h.fetchAll(two, 'shared-rps', 'lat', 'b', 50)]);
  const seconds = (Date.now() - started) / 1000;
  // 40 requests at 25/s from two workers together: at least 39 spacings of 40 ms.
  const rate = (api.log.length - 1) / seconds;
  assert.ok(rate <= 25 * 1.05, `aggregate rate ${rate.toFixed(1)}/s exceeds 25/s`);
  assert.ok(rate >= 25 * 0.7, `aggregate rate ${rate.toFixed(1)}/s leaves the budget unused`);
  api.delayMs = 30;
});

test("a pause one worker learns (Retry-After) holds the other worker's requests", async () => {
  const one = workerDeps({});
  const two = workerDeps({});
  const limiterOne = one.rateLimits.forSource('lat', { maxInlineWaitMs: 30_000 });
  const limiterTwo = two.rateLimits.forSource('lat', { maxInlineWaitMs: 30_000 });
  limiterOne.pauseUntil(Date.now() + 800);
  await new Promise((r) => setTimeout(r, 50));
  const started = Date.now();
  await limiterTwo.run(async () => undefined);
  assert.ok(Date.now() - started >= 600, `the other worker waited ${Date.now() - started} ms`);
  // A pause longer than the inline wait ends the attempt with a retryable rate-limit error.
  const short = workerDeps({}).rateLimits.forSource('lat', { maxInlineWaitMs: 100 });
  limiterOne.pauseUntil(Date.now() + 5_000);
  await new Promise((r) => setTimeout(r, 50));
  await assert.rejects(short.run(async () => undefined), { name: 'RateLimitedError' });
});
