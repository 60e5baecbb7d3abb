import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { foldFormParams } from '../../access/explorer/explorer-routes.js';
import { type AccessFixture, TOKENS, createAccessFixture } from './access-fixture.js';

let x: AccessFixture;
before(async () => {
  x = await createAccessFixture(30);
});
after(async () => {
  await x?.close();
});

/** GET an explorer page as a browser would: HTML, no redirect following, an optional cookie or bearer token. */
async function page(path: string, auth: { cookie?: string; token?: string } = {}) {
  const headers: Record<string, string> = { accept: 'text/html' };
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  const res = await fetch(`${x.api.url}${path}`, { headers, redirect: 'manual' });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

async function signIn(token: string, next = '/') {
  return fetch(`${x.api.url}/login`, { method: 'POST', body: new URLSearchParams({ token, next }), redirect: 'manual' });
}

test('without a valid token every page is the sign-in form with status 401 and no data', async () => {
  for (const path of ['/', '/entities/customer', '/entities/customer/anything', '/sources', '/quarantine']) {
    const res = await page(path);
    assert.equal(res.status, 401, path);
    assert.match(res.html, /<form class="login" method="post" action="\/login"/);
    assert.doesNotMatch(res.html, /@example\.com/i, `${path} shows no data`);
  }
  const wrong = await page('/entities/customer', { token: 'not-a-token-of-this-config' });
  assert.equal(wrong.status, 401);
  assert.match(wrong.html, /not valid/);
  assert.doesNotMatch(wrong.html, /@example\.com/i);

  const refused = await signIn('wrong-token-0123456789');
  assert.equal(refused.status, 401);
  assert.match(await refused.text(), /That token is not valid/);
  assert.equal(refused.headers.get('set-cookie'), null);
});

test('signing in sets an HttpOnly, SameSite=Strict cookie that opens the pages its scopes allow', async () => {
  const res = await signIn(TOKENS.reader, '/entities/customer?plan=eq.pro');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/entities/customer?plan=eq.pro');
  const setCookie = res.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /tributary_token=/);
  assert.match(setCookie, /HttpOnly/i);
  assert.match(setCookie, /SameSite=Strict/i);
  const cookie = setCookie.split(';')[0]!;

  const list = await page('/entities/customer?plan=eq.pro', { cookie });
  assert.equal(list.status, 200);
  assert.match(list.html, /<strong>\d+<\/strong> rows? match/);
  assert.match(res.headers.get('content-type') ?? list.headers.get('content-type') ?? '', /text\/html/);
  assert.match(list.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  // The reader token has customer:read only: runs and sources are refused by name.
  const sources = await page('/sources', { cookie });
  assert.equal(sources.status, 403);
  assert.match(sources.html, /lacks scope runs:read/);

  // Somewhere else after signing in is refused: a crafted link cannot send the browser away.
  const away = await signIn(TOKENS.reader, '//evil.example/');
  assert.equal(away.headers.get('location'), '/');
});

test('the list counts what the API pages through, filters fold into API parameters, bad ones are a 400 page', async () => {
  const api = await x.get('/v1/entities/customer?plan=eq.pro&limit=100');
  const pro = api.body.data.length;
  assert.ok(pro > 0);
  const list = await page('/entities/customer?plan=eq.pro', { token: TOKENS.ops });
  assert.match(list.html, new RegExp(`<strong>${pro}</strong> rows? match`));

  const added = await page('/entities/customer?add_field=score&add_op=gte&add_value=100', { token: TOKENS.ops });
  assert.equal(added.status, 303);
  assert.equal(added.headers.get('location'), '/entities/customer?score=gte.100');

  for (const bad of ['?score=eq.abc', '?order=nope', '?limit=0', '?updated_since=yesterday', '?cursor=garbage', '?signed_up=gt.2024-99-99']) {
    const res = await page(`/entities/customer${bad}`, { token: TOKENS.ops });
    assert.equal(res.status, 400, bad);
    assert.match(res.html, /class="notice bad" role="alert"/, bad);
  }
  assert.equal((await page('/entities/nope', { token: TOKENS.ops })).status, 404);
  assert.equal((await page('/entities/customer/no-such-key', { token: TOKENS.ops })).status, 404);
  assert.equal((await page('/quarantine?before=x', { token: TOKENS.ops })).status, 400);
});

test('one entity: each field with its winning source and every candidate in the why panel', async () => {
  const { body } = await x.get('/v1/entities/customer?email=eq.p000@example.com');
  const key = body.data[0]._key as string;
  const provenance = (await x.get(`/v1/entities/customer/${encodeURIComponent(key)}/provenance`)).body;
  const res = await page(`/entities/customer/${encodeURIComponent(key)}`, { token: TOKENS.ops });
  assert.equal(res.status, 200);
  // name: priority crm, billing; both sources map it, and the CRM's is null for person 0.
  const why = res.html.slice(res.html.indexOf('data-field="name"'), res.html.indexOf('</details>', res.html.indexOf('data-field="name"')));
  assert.match(why, /priority<\/strong>: the value of the most trusted source wins, in the order crm, billing/);
  assert.equal((why.match(/<tr class="winner" data-source="([a-z]+)"/) ?? [])[1], provenance.fields.name.from.source);
  assert.equal((why.match(/data-source=/g) ?? []).length, 2, 'a candidate per source record');
  assert.match(res.html, /Raw payload/);
});

test('open without access: no sign-in, every page renders', async () => {
  const { createAccessApp, serveAccessApi } = await import('../../access/index.js');
  const { access: _ignored, ...open } = x.config;
  const api = await serveAccessApi(createAccessApp({ db: x.f.db, config: open }));
  try {
    for (const path of ['/', '/entities/customer', '/sources', '/quarantine', '/assets/explorer.css', '/assets/explorer.js']) {
      const res = await fetch(`${api.url}${path}`);
      assert.equal(res.status, 200, path);
    }
  } finally {
    await api.close();
  }
});

test('form parameters fold into the API parameters', () => {
  assert.equal(foldFormParams([['plan', 'eq.pro']]), undefined);
  assert.deepEqual(foldFormParams([['plan', 'eq.pro'], ['cursor', 'c'], ['add_field', 'score'], ['add_op', 'lt'], ['add_value', '5']]), [['plan', 'eq.pro'], ['score', 'lt.5']]);
  assert.deepEqual(foldFormParams([['add_field', 'phone'], ['add_op', 'is'], ['add_value', '']]), [['phone', 'is.']]);
  assert.deepEqual(foldFormParams([['add_field', 'phone'], ['add_op', 'eq'], ['add_value', '']]), []);
  assert.deepEqual(foldFormParams([['select', 'a'], ['cols_chosen', '1'], ['cols', 'email'], ['cols', 'plan']]), [['select', 'email,plan']]);
  assert.deepEqual(foldFormParams([['select', 'a'], ['cols_chosen', '1']]), []);
});

test('quarantine: a refused record is listed with its reasons and raw payload, and its entity says it has a quarantined version', async () => {
  // c1's newer version carries a score that is no integer: it is quarantined, its older contribution stays.
  await x.f.stage('r-bad', 'crm.contacts', [{ id: 'c1', email: 'p001@example.com', name: 'Person 1', score: 'ten', active: true, signed_up: '2024-01-02T00:00:00.000Z', tags: ['regular'] }], new Date('2026-02-01T00:00:00Z'));
  await x.f.merge(x.config, 'r-bad');
  const res = await page('/quarantine?entity=customer', { token: TOKENS.ops });
  assert.equal(res.status, 200);
  assert.match(res.html, /crm\.contacts<\/strong> record <code>c1<\/code>/);
  assert.match(res.html, /score/);
  assert.match(res.html, /&quot;score&quot;: &quot;ten&quot;|"score": "ten"/);
  const key = (await x.get('/v1/entities/customer?email=eq.p001@example.com')).body.data[0]._key as string;
  const entity = await page(`/entities/customer/${encodeURIComponent(key)}`, { token: TOKENS.ops });
  assert.match(entity.html, /1 quarantined version/);
  assert.match(entity.html, /Quarantined versions/);
  // The reader sees the quarantine of the entities it may read; a token without the scope is refused by name.
  assert.equal((await page('/quarantine?entity=customer', { token: TOKENS.runsOnly })).status, 403);
});
