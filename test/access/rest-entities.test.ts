import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type AccessFixture, TOKENS, createAccessFixture } from './access-fixture.js';

let x: AccessFixture;
before(async () => {
  x = await createAccessFixture(30);
});
after(async () => {
  await x?.close();
});

async function all(path: string, token?: string): Promise<any[]> {
  const rows: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const { status, body } = await x.get(`${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`, token);
    assert.equal(status, 200, JSON.stringify(body));
    rows.push(...body.data);
    cursor = body.next_cursor;
  } while (cursor);
  return rows;
}

test('lists every row once through keyset pages with the default page size, in a stable order', async () => {
  const first = await x.get('/v1/entities/customer');
  assert.equal(first.body.data.length, 10);
  assert.ok(first.body.next_cursor);
  const rows = await all('/v1/entities/customer?limit=7');
  assert.equal(rows.length, 30);
  assert.equal(new Set(rows.map((r) => r._key)).size, 30);
  assert.deepEqual(Object.keys(rows[0]).sort(), ['_first_seen', '_key', '_last_changed', '_sources', 'active', 'balance', 'email', 'name', 'plan', 'score', 'signed_up', 'tags'].sort());
});

test('filters on every type: eq, ne, lt/lte/gt/gte, in, like, ilike, is, cs', async () => {
  const count = async (q: string) => (await all(`/v1/entities/customer?limit=100&${q}`)).length;
  assert.equal(await count('email=eq.p003@example.com'), 1);
  assert.equal(await count('score=gte.100&score=lt.200'), 10);
  assert.equal(await count('score=gt.250'), 4);
  assert.equal(await count('score=lte.0'), 1);
  assert.equal(await count('active=eq.false'), 10);
  assert.equal(await count('plan=in.(pro,"free")'), 15);
  assert.equal(await count('plan=is.null'), 15);
  assert.equal(await count('plan=ne.pro'), 25, 'ne keeps rows without a value');
  assert.equal(await count('email=like.p00*'), 10);
  assert.equal(await count('email=ilike.P01*'), 10);
  assert.equal(await count('tags=cs.vip'), 8);
  assert.equal(await count('signed_up=gte.2024-01-29T00:00:00Z'), 2);
  assert.equal(await count('balance=gt.5'), 10);
  const [row] = await all('/v1/entities/customer?email=eq.p000@example.com');
  assert.equal(row.name, 'Billing null', 'crm has no name for p000: billing supplies it');
});

test('sorting with a stable cursor, field selection and updated_since', async () => {
  const byScore = await all('/v1/entities/customer?order=plan.desc,score.desc&limit=4&select=plan,score');
  assert.equal(byScore.length, 30);
  assert.deepEqual(Object.keys(byScore[0]).sort(), ['_key', 'plan', 'score']);
  assert.equal(byScore[0].plan, 'pro');
  assert.equal(byScore.at(-1).plan, null, 'missing values sort last');
  const plans = byScore.map((r) => r.plan ?? '~');
  assert.deepEqual(plans, [...plans].sort((a, b) => (a === '~' ? 1 : b === '~' ? -1 : b.localeCompare(a))));
  const future = await x.get(`/v1/entities/customer?updated_since=${new Date(Date.now() + 60_000).toISOString()}`);
  assert.deepEqual(future.body.data, []);
  const cursor = (await x.get('/v1/entities/customer?order=score&limit=2')).body.next_cursor;
  const foreign = await x.get(`/v1/entities/customer?limit=2&cursor=${cursor}`);
  assert.equal(foreign.status, 400);
  assert.match(foreign.body.error, /cursor belongs to order=score.asc/);
});

test('bad parameters answer 400 naming the field and what is expected', async () => {
  const cases: Array<[string, RegExp]> = [
    ['score=gt.ten', /"score": "ten" is not an integer/],
    ['signed_up=lt.yesterday', /"signed_up": "yesterday" is not an ISO 8601 timestamp/],
    ['active=eq.yes', /"active": "yes" is not true or false/],
    ['nope=eq.1', /unknown field "nope"; filterable: email, name/],
    ['email=contains.x', /ops: eq, ne/],
    ['score=like.1*', /like applies to text fields/],
    ['tags=eq.vip', /is a list: filter it with cs/],
    ['limit=0', /limit must be an integer from 1 to 100/],
    ['limit=101', /limit must be an integer from 1 to 100/],
    ['order=tags', /"tags" is a list field and cannot be sorted/],
    ['order=score.up', /must be field, field.asc or field.desc/],
    ['select=email,secret', /select: unknown field "secret"/],
    ['updated_since=monday', /updated_since must be an ISO 8601 timestamp/],
    ['cursor=garbage', /invalid cursor/],
    ["email=eq.x'%20or%201=1--", /^$/],
  ];
  for (const [q, message] of cases) {
    const { status, body } = await x.get(`/v1/entities/customer?${q}`);
    if (message.source === '^$') {
      assert.equal(status, 200, 'quotes are data, not SQL');
      assert.deepEqual(body.data, []);
      continue;
    }
    assert.equal(status, 400, q);
    assert.match(body.error, message, q);
  }
  assert.equal((await x.get('/v1/entities/order')).status, 404);
});

test('one row by key with provenance, its provenance view and its source records with raw payloads', async () => {
  const [listed] = await all('/v1/entities/customer?email=eq.p002@example.com');
  const one = await x.get(`/v1/entities/customer/${listed._key}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.email, 'p002@example.com');
  assert.equal(one.body.name, 'Person 2', 'crm has priority for name');
  assert.equal(one.body._provenance.name.source, 'crm');
  const prov = await x.get(`/v1/entities/customer/${listed._key}/provenance`);
  assert.equal(prov.body.fields.plan.from.source, 'billing');
  assert.equal(prov.body.fields.plan.value, one.body.plan);
  assert.equal(prov.body.fields.name.from.key, 'c2');
  const sources = await x.get(`/v1/entities/customer/${listed._key}/sources`);
  assert.deepEqual(sources.body.data.map((s: any) => `${s.source}.${s.stream}:${s.source_key}`), ['billing.customers:1001', 'crm.contacts:c2']);
  assert.equal(sources.body.data[1].raw.email, 'p002@example.com');
  assert.equal((await x.get('/v1/entities/customer/nope')).status, 404);
  assert.equal((await x.get('/v1/entities/customer/nope/provenance')).status, 404);
});

test('auth: no or a wrong token is 401 with no data, a missing scope 403; probes stay open', async () => {
  for (const token of [null, 'wrong-token-0123456789abcdef', `${TOKENS.reader}x`]) {
    const res = await x.get('/v1/entities/customer', token);
    assert.equal(res.status, 401);
    assert.deepEqual(Object.keys(res.body), ['error']);
    assert.match(res.headers.get('www-authenticate') ?? '', /Bearer/);
  }
  assert.equal((await x.get('/v1/entities/customer', TOKENS.reader)).status, 200);
  const forbidden = await x.get('/v1/runs', TOKENS.reader);
  assert.equal(forbidden.status, 403);
  assert.match(forbidden.body.error, /lacks scope runs:read/);
  assert.equal((await x.get('/v1/entities/customer', TOKENS.runsOnly)).status, 403);
  assert.equal((await x.get('/healthz', null)).status, 200);
  assert.equal((await x.get('/readyz', null)).body.status, 'ready');
  const res = await fetch(`${x.api.url}/v1/entities/customer`, { headers: { authorization: `Basic ${TOKENS.ops}` } });
  assert.equal(res.status, 401);
});
