import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConnectorError } from '../../connectors/connector-error.js';
import { fetchChunk } from '../../ingest/fetch-chunk.js';
import { type ConnectorHarness, startConnectorHarness } from './connector-harness.js';
import { type SchemeServer, creds, startSchemeServer } from './servers/scheme-server.js';

let h: ConnectorHarness;
let api: SchemeServer;
before(async () => {
  [h, api] = await Promise.all([startConnectorHarness(), startSchemeServer()]);
});
after(async () => {
  await Promise.all([h?.close(), api?.close()]);
});

const env = {
  API_KEY: creds.apiKey,
  BEARER: creds.bearer,
  PASSWORD: creds.password,
  CLIENT_SECRET: creds.clientSecret,
  LOGIN_PASSWORD: creds.loginPassword,
  REFRESH: creds.initialRefresh,
};
const stream = (path: string, extra: Record<string, unknown> = {}) => ({ path, recordsPath: '$.items', primaryKey: 'id', pagination: { type: 'page_number', totalPath: '$.total' }, ...extra });
const source = (auth: unknown, path: string, extra: Record<string, unknown> = {}) => ({ api: { type: 'rest', baseUrl: api.url, auth, streams: { items: stream(path) }, ...extra } });
let run = 0;
// One chunk, so its progress carries the whole fetch's wait and retry counts (they are per chunk).
const fetchAll = (sources: Record<string, unknown>) => h.fetchAll(h.deps(sources, env), `run-${++run}`, 'api', 'items', 10);

const schemes: Array<[string, unknown, string]> = [
  ['API key in a header', { type: 'api_key', name: 'X-API-Key', value: 'env:API_KEY' }, '/auth/apikey-header'],
  ['API key in the query', { type: 'api_key', in: 'query', name: 'api_key', value: 'env:API_KEY' }, '/auth/apikey-query'],
  ['bearer token', { type: 'bearer', token: 'env:BEARER' }, '/auth/bearer'],
  ['HTTP basic', { type: 'basic', username: creds.user, password: 'env:PASSWORD' }, '/auth/basic'],
  ['custom headers', { type: 'headers', headers: { 'X-Tenant': 't1', 'X-Secret': 'env:API_KEY' } }, '/auth/headers'],
  ['OAuth2 client credentials', { type: 'oauth2_client_credentials', tokenUrl: 'TOKEN_URL', clientId: creds.clientId, clientSecret: 'env:CLIENT_SECRET' }, '/auth/oauth'],
  ['session login', { type: 'session', login: { url: '/login', body: { user: creds.loginUser, password: 'env:LOGIN_PASSWORD' } }, tokenPath: '$.session.token', name: 'X-Session', prefix: '' }, '/auth/session'],
];

for (const [name, auth, path] of schemes) {
  test(`${name}: authenticates every page`, async () => {
    const resolved = JSON.parse(JSON.stringify(auth).replace('TOKEN_URL', `${api.url}/oauth/token`)) as unknown;
    const progress = await fetchAll(source(resolved, path));
    assert.equal(progress.records, api.items.length);
  });
}

test('a wrong credential fails fast: AUTH_FAILED, not retryable, URL shown without the key', async () => {
  const bad = { ...env, API_KEY: 'wrong-key-123' };
  const deps = h.deps(source({ type: 'api_key', in: 'query', name: 'api_key', value: 'env:API_KEY' }, '/auth/apikey-query'), bad);
  await assert.rejects(fetchChunk(deps, { runId: 'run-bad', source: 'api', stream: 'items', maxPages: 5 }), (e: unknown) => {
    assert.ok(e instanceof ConnectorError);
    assert.equal(e.code, 'AUTH_FAILED');
    assert.equal(e.retryable, false);
    assert.match(e.message, /HTTP 401 from .*api_key=\*\*\*/);
    assert.ok(!deps.masker.mask(e.message).includes('wrong-key-123'));
    return true;
  });
});

test('a secret echoed back by the server in an error body is masked', async () => {
  const deps = h.deps({ api: { type: 'rest', baseUrl: api.url, auth: { type: 'api_key', name: 'X-API-Key', value: 'env:API_KEY' }, streams: { items: stream('/echo-key') } } }, env);
  await assert.rejects(fetchChunk(deps, { runId: 'run-echo', source: 'api', stream: 'items', maxPages: 1 }), (e: unknown) => {
    const shown = deps.masker.mask((e as Error).message);
    assert.match(shown, /HTTP 400 .*invalid key \*\*\*/);
    assert.ok(!shown.includes(creds.apiKey));
    return true;
  });
});

test('OAuth2 client credentials: an expired token gets a 401, one refresh and a retry', async () => {
  api.state.tokenTtlSeconds = 3600;
  const deps = h.deps(source({ type: 'oauth2_client_credentials', tokenUrl: `${api.url}/oauth/token`, clientId: creds.clientId, clientSecret: 'env:CLIENT_SECRET', refreshBeforeSeconds: 0 }, '/auth/oauth'), env);
  await fetchChunk(deps, { runId: 'run-expiry', source: 'api', stream: 'items', maxPages: 1 });
  const issued = api.state.tokensIssued;
  api.state.validAccess.clear(); // the server revokes every token early
  const progress = await h.fetchAll(deps, 'run-expiry', 'api', 'items');
  assert.equal(progress.records, api.items.length);
  assert.equal(api.state.tokensIssued, issued + 1, 'exactly one new token');
});

test('session login: a 401 logs in again once and the page is retried', async () => {
  const deps = h.deps(source({ type: 'session', login: { url: '/login', body: { user: creds.loginUser, password: 'env:LOGIN_PASSWORD' } }, tokenPath: '$.session.token', name: 'X-Session', prefix: '' }, '/auth/session'), env);
  await fetchChunk(deps, { runId: 'run-relogin', source: 'api', stream: 'items', maxPages: 1 });
  const logins = api.state.logins;
  api.state.sessions.clear();
  await h.fetchAll(deps, 'run-relogin', 'api', 'items');
  assert.equal(api.state.logins, logins + 1);
});

test('OAuth2 refresh-token rotation: two workers fetching at once never reuse a spent refresh token', async () => {
  const auth = { type: 'oauth2_refresh_token', tokenUrl: `${api.url}/oauth/token`, clientId: creds.clientId, refreshToken: 'env:REFRESH', refreshBeforeSeconds: 0 };
  const sources = { api: { type: 'rest', baseUrl: api.url, auth, streams: { a: stream('/auth/oauth'), b: stream('/auth/oauth'), c: stream('/auth/oauth') } } };
  // Separate deps are separate workers: separate token caches, one database.
  const workers = [h.deps(sources, env), h.deps(sources, env), h.deps(sources, env)];
  const results = await Promise.all(workers.map((deps, i) => h.fetchAll(deps, 'run-rotate', 'api', ['a', 'b', 'c'][i]!)));
  assert.deepEqual(results.map((r) => r.records), [23, 23, 23]);
  assert.equal(api.state.refreshReused, 0, 'no spent refresh token was sent');
  // Expire everything: each worker gets a 401 and rotates again, still without reuse.
  api.state.validAccess.clear();
  await Promise.all(workers.map((deps, i) => fetchChunk(deps, { runId: 'run-rotate-2', source: 'api', stream: ['a', 'b', 'c'][i]!, maxPages: 1 })));
  assert.equal(api.state.refreshReused, 0);
  const row = await h.db.selectFrom('tributary.oauth_token').select('refresh_token').where('source', '=', 'api').executeTakeFirstOrThrow();
  assert.equal(row.refresh_token, api.state.currentRefresh, 'the current refresh token is persisted');
});

test('429 with Retry-After is waited out inside the activity and reported as wait time', async () => {
  api.state.rateLimitNext = 1;
  api.state.retryAfterSeconds = 1;
  const progress = await fetchAll({ api: { type: 'rest', baseUrl: api.url, streams: { items: stream('/limited/page') } } });
  assert.equal(progress.records, api.items.length);
  assert.ok((progress.rateLimitWaitMs ?? 0) >= 900, `waited ${progress.rateLimitWaitMs} ms`);
});

test('a Retry-After longer than maxInlineWaitMs fails the attempt retryably with the delay for Temporal', async () => {
  api.state.rateLimitNext = 1;
  api.state.retryAfterSeconds = 120;
  const deps = h.deps({ api: { type: 'rest', baseUrl: api.url, rateLimit: { maxInlineWaitMs: 1000 }, streams: { items: stream('/limited/page') } } }, env);
  await assert.rejects(fetchChunk(deps, { runId: 'run-429-long', source: 'api', stream: 'items', maxPages: 1 }), (e: unknown) => e instanceof ConnectorError && e.retryable && e.retryAfterMs === 120_000);
  api.state.rateLimitNext = 0;
});

test('a 5xx burst is ridden out by jittered retries; a longer outage fails retryably', async () => {
  api.state.failNext = 2;
  const sources = (attempts: number) => ({ api: { type: 'rest', baseUrl: api.url, retry: { attempts, baseDelayMs: 20, maxDelayMs: 50 }, streams: { items: stream('/flaky/page') } } });
  const progress = await fetchAll(sources(3));
  assert.equal(progress.records, api.items.length);
  assert.equal(progress.retries, 2);
  api.state.failNext = 5;
  await assert.rejects(fetchChunk(h.deps(sources(1), env), { runId: 'run-outage', source: 'api', stream: 'items', maxPages: 1 }), (e: unknown) => e instanceof ConnectorError && e.code === 'HTTP_STATUS' && e.retryable && /HTTP 503/.test(e.message));
  api.state.failNext = 0;
});

test('a truncated body is a retryable error, and the retry stages the page once', async () => {
  api.state.truncateNext = 1;
  const progress = await fetchAll({ api: { type: 'rest', baseUrl: api.url, retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 10 }, streams: { items: stream('/truncated/page') } } });
  assert.equal(progress.records, api.items.length);
  // Twice: got retries a cut connection once by itself.
  api.state.truncateNext = 2;
  const deps = h.deps({ api: { type: 'rest', baseUrl: api.url, retry: { attempts: 0 }, streams: { items: stream('/truncated/page') } } }, env);
  await assert.rejects(fetchChunk(deps, { runId: 'run-trunc', source: 'api', stream: 'items', maxPages: 1 }), (e: unknown) => e instanceof ConnectorError && e.code === 'HTTP_TRUNCATED' && e.retryable);
  const resumed = await h.fetchAll(deps, 'run-trunc', 'api', 'items');
  assert.equal(resumed.records, api.items.length);
  assert.equal((await h.staged('run-trunc', 'api', 'items')).length, api.items.length);
});

test('an HTML page and malformed JSON get clear, non-retryable errors, never an empty page', async () => {
  const deps = h.deps({ api: { type: 'rest', baseUrl: api.url, streams: { html: { path: '/html', primaryKey: 'id' }, bad: { path: '/bad-json', primaryKey: 'id' } } } }, env);
  await assert.rejects(fetchChunk(deps, { runId: 'run-html', source: 'api', stream: 'html', maxPages: 1 }), (e: unknown) => e instanceof ConnectorError && e.code === 'RESPONSE_FORMAT' && !e.retryable && /HTML page .*"Maintenance"/.test(e.message));
  await assert.rejects(fetchChunk(deps, { runId: 'run-html', source: 'api', stream: 'bad', maxPages: 1 }), (e: unknown) => e instanceof ConnectorError && e.code === 'RESPONSE_FORMAT' && /not valid JSON/.test(e.message));
});

test('requests per second are enforced across concurrent fetches of a source', async () => {
  const deps = h.deps({ api: { type: 'rest', baseUrl: api.url, rateLimit: { requestsPerSecond: 10, maxConcurrency: 1 }, streams: { a: stream('/page'), b: stream('/page') } } }, env);
  const started = Date.now();
  await Promise.all([h.fetchAll(deps, 'run-rps', 'api', 'a'), h.fetchAll(deps, 'run-rps', 'api', 'b')]);
  // 2 streams x 3 pages = 6 requests at 10/s: at least 5 spacings of 100 ms.
  assert.ok(Date.now() - started >= 480, `took ${Date.now() - started} ms`);
});
