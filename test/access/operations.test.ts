import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { recordRunEnd, recordRunStart } from '../../store/run-store.js';
import { type AccessFixture, TOKENS, createAccessFixture, people } from './access-fixture.js';

let x: AccessFixture;
before(async () => {
  x = await createAccessFixture(40);
});
after(async () => {
  await x?.close();
});

test('paging stays complete and duplicate-free while another connection writes rows', async () => {
  const seen = new Map<string, number>();
  let cursor: string | null = null;
  let pages = 0;
  let writes = 0;
  do {
    const { body } = await x.get(`/v1/entities/customer?limit=5&order=email${cursor ? `&cursor=${cursor}` : ''}`);
    for (const r of body.data) seen.set(r._key, (seen.get(r._key) ?? 0) + 1);
    cursor = body.next_cursor;
    pages++;
    // Between pages: change rows already read and not yet read, and add new ones.
    await sql`update unified.customer set score = score + 1, _last_changed = now() where _key in (select _key from unified.customer order by random() limit 5)`.execute(x.f.db);
    await sql`insert into unified.customer (_key, email, _provenance, _sources, _first_seen, _last_changed, _last_run_id, _hash) values (${`new-${pages}`}, ${`zz-new-${pages}@example.com`}, '{}', '{}', now(), now(), 'w', 'h')`.execute(x.f.db);
    writes++;
  } while (cursor);
  const original = people(40).crm.length;
  assert.ok(writes > 5);
  assert.equal([...seen.values()].filter((n) => n > 1).length, 0, 'no row twice');
  const { rows } = await sql<{ _key: string }>`select _key from unified.customer where _key not like 'new-%'`.execute(x.f.db);
  assert.equal(rows.length, original);
  for (const r of rows) assert.ok(seen.has(r._key), `row ${r._key} was not skipped`);
});

test('updated_since in the default order hands a row changed mid-way to the consumer again', async () => {
  const since = new Date(Date.now() - 3_600_000).toISOString();
  const first = await x.get(`/v1/entities/customer?updated_since=${since}&limit=3`);
  const changed = first.body.data[0]._key;
  await sql`update unified.customer set score = -1, _last_changed = now() where _key = ${changed}`.execute(x.f.db);
  const later: any[] = [];
  let cursor = first.body.next_cursor;
  while (cursor) {
    const { body } = await x.get(`/v1/entities/customer?updated_since=${since}&limit=20&cursor=${cursor}`);
    later.push(...body.data);
    cursor = body.next_cursor;
  }
  assert.equal(later.find((r) => r._key === changed)?.score, -1);
});

test('runs with per-source counts and Temporal links; freshness with the stale flag and reason', async () => {
  const old = new Date(Date.now() - 3 * 3_600_000);
  await recordRunStart(x.f.db, { runId: 'main/ok', pipeline: 'main', windowEnd: old });
  await recordRunEnd(x.f.db, { runId: 'main/ok', status: 'succeeded', summary: { pipeline: 'main', runId: 'main/ok', windowEnd: old.toISOString(), streams: [{ source: 'crm', stream: 'contacts', status: 'succeeded', pages: 2, records: 40 }, { source: 'billing', stream: 'customers', status: 'succeeded', pages: 1, records: 20 }], entities: [] } });
  await sql`update tributary.run set started_at = ${old}, finished_at = ${old} where run_id = 'main/ok'`.execute(x.f.db);
  await recordRunStart(x.f.db, { runId: 'main/bad', pipeline: 'main', windowEnd: new Date() });
  await recordRunEnd(x.f.db, { runId: 'main/bad', status: 'degraded', summary: { pipeline: 'main', runId: 'main/bad', windowEnd: new Date().toISOString(), streams: [{ source: 'crm', stream: 'contacts', status: 'succeeded', pages: 2, records: 40 }, { source: 'billing', stream: 'customers', status: 'failed', pages: 0, records: 0, error: 'HTTP 401 from billing: check BILLING_CLIENT_SECRET' }], entities: [] } });

  const runs = await x.get('/v1/runs?pipeline=main', TOKENS.runsOnly);
  assert.equal(runs.status, 200);
  assert.deepEqual(runs.body.data.map((r: any) => r.run_id), ['main/bad', 'main/ok']);
  assert.equal(runs.body.data[0].sources[1].error, 'HTTP 401 from billing: check BILLING_CLIENT_SECRET');
  assert.equal(runs.body.data[0].temporal_url, 'http://127.0.0.1:8233/namespaces/default/workflows/main%2Fbad');
  assert.equal((await x.get('/v1/runs?status=degraded')).body.data.length, 1);
  assert.equal((await x.get('/v1/runs?status=weird')).status, 400);
  assert.equal((await x.get('/v1/runs/main/bad')).body.status, 'degraded');

  const sources = await x.get('/v1/sources');
  const billing = sources.body.data.find((s: any) => s.source === 'billing');
  const crm = sources.body.data.find((s: any) => s.source === 'crm');
  assert.equal(billing.stale, true);
  assert.match(billing.reason, /last success 3h\d*m? ago, more than 2 × 15m schedule interval; last error: HTTP 401 from billing/);
  assert.equal(crm.stale, false);
  assert.equal(sources.body.stale, 1);

  const metrics = await x.get('/metrics', TOKENS.runsOnly);
  assert.match(metrics.body, /tributary_source_stale\{pipeline="main",source="billing",stream="customers"\} 1/);
  assert.match(metrics.body, /tributary_source_stale\{pipeline="main",source="crm",stream="contacts"\} 0/);
  assert.match(metrics.body, /tributary_api_requests_total\{route="\/v1\/runs",method="GET",status="200"\} \d+/);
  assert.equal((await x.get('/metrics', TOKENS.reader)).status, 403);
});

test('the OpenAPI document describes every entity route with typed fields and the bearer scheme', async () => {
  const { status, body } = await x.get('/openapi.json', TOKENS.reader);
  assert.equal(status, 200);
  assert.equal(body.openapi, '3.1.0');
  for (const p of ['/v1/entities/customer', '/v1/entities/customer/{key}', '/v1/entities/customer/{key}/provenance', '/v1/entities/customer/{key}/sources', '/v1/runs', '/v1/sources', '/graphql', '/metrics', '/healthz', '/readyz']) assert.ok(body.paths[p], p);
  const row = body.components.schemas.customer_row.properties;
  assert.deepEqual(row.signed_up.format, 'date-time');
  assert.deepEqual(row.tags.items, { type: 'string' });
  assert.equal(body.components.securitySchemes.bearer.scheme, 'bearer');
  // Every $ref resolves.
  const refs = JSON.stringify(body).match(/"\$ref":"#\/components\/[^"]+"/g) ?? [];
  for (const ref of refs) {
    const path = ref.slice(9, -1).split('/').slice(1);
    assert.ok(path.reduce((o: any, k) => o?.[k], body), ref);
  }
  const params = body.paths['/v1/entities/customer'].get.parameters.map((p: any) => p.name);
  assert.ok(params.includes('score') && params.includes('updated_since'));
});
