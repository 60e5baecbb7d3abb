import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { ConnectorError } from '../../connectors/connector-error.js';
import type { FetchDeps } from '../../ingest/fetch-chunk.js';
import { fetchChunk } from '../../ingest/fetch-chunk.js';
import type { FetchProgress } from '../../ingest/fetch-pages.js';
import { stagedStreamId } from '../../store/staging/staged-stream.js';
import { type ConnectorHarness, startConnectorHarness } from './connector-harness.js';
import { type Fault, startFaultServer } from './servers/fault-server.js';

let h: ConnectorHarness;
before(async () => {
  h = await startConnectorHarness();
});
after(async () => {
  await h?.close();
});

/** Records with ids above 2^53, written as an upstream would send them (spacing and escapes its own). */
const records = (n: number, firstId = 1780000018563990152n) =>
  Array.from({ length: n }, (_, i) => `{"id": ${firstId + BigInt(i)}, "name":"n\\u00e9 ${i}",  "score": ${i}.0}`);

const retrying = { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 400 };

/** Fetches a stream to the end as the workflow does, retrying a chunk after a retryable failure as Temporal would. */
async function fetchLikeTemporal(deps: FetchDeps, runId: string, stream = 'items'): Promise<FetchProgress> {
  for (let attempt = 0; ; attempt++) {
    try {
      const progress = await fetchChunk(deps, { runId, source: 'api', stream, maxPages: 3 });
      if (progress.done) return progress;
      attempt = -1;
    } catch (err) {
      if (!(err instanceof ConnectorError) || !err.retryable || attempt >= 20) throw err;
    }
  }
}

async function stagedRows(runId: string, stream = 'items'): Promise<Array<{ source_key: string; payload: string }>> {
  return h.db.selectFrom('tributary.staged_record').select(['source_key', 'payload']).where('stream_id', '=', stagedStreamId({ runId, source: 'api', stream })).orderBy('source_key').execute();
}

const sourceFor = (url: string, stream: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  api: { type: 'rest', baseUrl: url, ...retrying, ...extra, streams: { items: { path: '/items', recordsPath: '$.items', primaryKey: 'id', pagination: { type: 'offset', limit: 100, totalPath: '$.total' }, ...stream } } },
});

const RELAY_QUERY = 'query($first: Int, $after: String) { items(first: $first, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }';

/** The fault server's five schemes, each as a source config with a stream named `items`. */
const schemes: Record<string, (url: string) => Record<string, unknown>> = {
  offset: (url) => sourceFor(url),
  page_number: (url) => sourceFor(url, { path: '/pages', pagination: { type: 'page_number', sizeParam: 'per_page', size: 100, totalPath: '$.total' } }),
  cursor: (url) => sourceFor(url, { path: '/cursor', pagination: { type: 'cursor', cursorPath: '$.next_cursor', param: 'cursor' } }),
  link_header: (url) => sourceFor(url, { path: '/link', recordsPath: '$', params: { limit: 100 }, pagination: { type: 'link_header' } }),
  relay: (url) => ({ api: { type: 'graphql', url: `${url}/graphql`, introspection: false, ...retrying, streams: { items: { query: RELAY_QUERY, connectionPath: '$.data.items', primaryKey: 'id', pageSize: 100 } } } }),
};

async function expectExact(runId: string, served: readonly string[]): Promise<void> {
  const rows = await stagedRows(runId);
  const expected = served.map((text) => ({ source_key: /"id": (\d+)/.exec(text)![1]!, payload: text })).sort((a, b) => a.source_key.localeCompare(b.source_key));
  assert.equal(rows.length, expected.length);
  assert.deepEqual(rows, expected, 'staged keys and payload bytes equal what the server sent');
}

for (const [scheme, source] of Object.entries(schemes)) {
  test(`${scheme}: under 30 % faults every record is staged exactly once, byte for byte, and Retry-After is never violated`, { timeout: 60_000 }, async () => {
    const served = records(230);
    // Three faults in every ten requests, each kind in turn.
    const faults: Fault[] = ['none', '500', 'none', 'none', '502_html', 'none', '429', 'none', 'none', 'half_body', 'none', 'reset', 'none', 'none', 'slow', 'none', 'none', 'none', 'none', 'none'];
    const api = await startFaultServer({ records: served, pageCap: 40, faults, slowMs: 900 });
    try {
      const runId = `run-faults-${scheme}`;
      const progress = await fetchLikeTemporal(h.deps(source(api.url)), runId);
      assert.deepEqual([progress.records, progress.incomplete, progress.truncation, progress.duplicates], [230, undefined, undefined, undefined]);
      await expectExact(runId, served);
      assert.equal(api.violations, 0, 'no request while a Retry-After was running');
    } finally {
      await api.close();
    }
  });
}

// Defect: after a 429 with Retry-After on one stream, another stream of the source went on at once.
test("a server's Retry-After pauses every stream of the source", { timeout: 60_000 }, async () => {
  const served = records(120);
  const api = await startFaultServer({ records: served, pageCap: 10, faults: ['none', '429', 'none', 'none', 'none', 'none'] });
  try {
    const src = sourceFor(api.url);
    const streams = { items: src.api.streams.items, again: src.api.streams.items };
    const deps = h.deps({ api: { ...src.api, streams } });
    await Promise.all([fetchLikeTemporal(deps, 'run-pause', 'items'), fetchLikeTemporal(deps, 'run-pause', 'again')]);
    assert.equal(api.violations, 0);
    assert.equal((await stagedRows('run-pause', 'again')).length, 120);
  } finally {
    await api.close();
  }
});

test('a server that serves less than its reported total fails the stream; duplicates are counted or fail it', { timeout: 30_000 }, async () => {
  const short = await startFaultServer({ records: records(50), pageCap: 20, faults: [], reportedTotal: 80 });
  try {
    await assert.rejects(fetchLikeTemporal(h.deps(sourceFor(short.url)), 'run-short'), (e: unknown) => e instanceof ConnectorError && e.code === 'STREAM_INCOMPLETE' && /reported 80 records but 50 arrived/.test(e.message));
  } finally {
    await short.close();
  }
  const served = [...records(30), ...records(5, 1780000018563990152n)];
  const dup = await startFaultServer({ records: served, pageCap: 10, faults: [] });
  try {
    const counted = await fetchLikeTemporal(h.deps(sourceFor(dup.url)), 'run-dup');
    assert.deepEqual([counted.records, counted.duplicates], [35, 5]);
    assert.equal((await stagedRows('run-dup')).length, 30);
    await assert.rejects(fetchLikeTemporal(h.deps(sourceFor(dup.url, { duplicates: 'fail' })), 'run-dup-2'), (e: unknown) => e instanceof ConnectorError && e.code === 'DUPLICATE_KEYS');
  } finally {
    await dup.close();
  }
});

// Defect: a basic-auth secret echoed by an upstream's 401 body leaked as base64(user:pass).
test('a 401 echoing the request headers shows no form of the basic-auth secret', { timeout: 30_000 }, async () => {
  const api = await startFaultServer({ records: records(3), pageCap: 10, faults: [], basic: { user: 'svc-user', password: 'right-password' } });
  try {
    const env = { U: 'svc-user', P: 'wr0ng+pa ss/"word"' };
    const deps = h.deps(sourceFor(api.url, {}, { auth: { type: 'basic', username: 'env:U', password: 'env:P' } }), env);
    const err = await fetchLikeTemporal(deps, 'run-basic').then(
      () => assert.fail('a wrong password must fail'),
      (e: unknown) => e as ConnectorError,
    );
    assert.equal(err.code, 'AUTH_FAILED');
    const shown = deps.masker.mask(err.message);
    const pair = `${env.U}:${env.P}`;
    for (const form of [env.P, Buffer.from(pair).toString('base64'), encodeURIComponent(env.P), JSON.stringify(env.P).slice(1, -1)]) {
      assert.ok(!shown.includes(form), `${form} in ${shown}`);
    }
    assert.ok(shown.includes('***'), shown);
  } finally {
    await api.close();
  }
});

test('property: for drawn schemes, fault schedules, page caps and page sizes, what is staged equals what the server has', { timeout: 180_000 }, async () => {
  const fault = fc.constantFrom<Fault>('none', 'none', 'none', '500', '502_html', '429', 'half_body', 'reset');
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...Object.keys(schemes)), fc.array(fault, { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 140 }), async (scheme, faults, pageCap, limit, count) => {
      // At most 30 % faults: every schedule gets enough clean requests between them.
      const schedule = [...faults, ...Array.from({ length: Math.ceil(faults.filter((f) => f !== 'none').length * 2.4) }, () => 'none' as const)];
      const served = records(count, 9007199254740993n + BigInt(run * 1000));
      const api = await startFaultServer({ records: served, pageCap, faults: schedule, retryAfterSeconds: 1 });
      const runId = `run-prop-${run++}`;
      try {
        // The offset scheme asks for the drawn page size; the others for their own.
        const config = scheme === 'offset' ? sourceFor(api.url, { pagination: { type: 'offset', limit, totalPath: '$.total' } }) : schemes[scheme]!(api.url);
        const progress = await fetchLikeTemporal(h.deps(config), runId);
        assert.equal(progress.records, count);
        await expectExact(runId, served);
        assert.equal(api.violations, 0);
      } finally {
        await api.close();
      }
    }),
    { numRuns: 15, seed: 2426 },
  );
});
