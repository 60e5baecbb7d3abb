import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  type BillingCustomersPage,
  type BillingTokenResponse,
  createDemoDataset,
  type CrmContactsPage,
  DEFAULT_DEMO_CREDENTIALS,
  DEMO_BASE_DATE,
  demoCredentialEnv,
  type DemoApis,
  startDemoApis,
  type SupportCustomer,
} from './index.js';

const normalize = (email: string | null) => (email === null ? null : email.trim().toLowerCase());

async function getJson<T = Record<string, unknown>>(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}

async function billingToken(apis: DemoApis): Promise<string> {
  const { status, body } = await getJson<BillingTokenResponse>(apis.billing.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: apis.credentials.billingClientId, client_secret: apis.credentials.billingClientSecret }),
  });
  assert.equal(status, 200);
  return body.access_token;
}

/** A customer as GraphQL returns it: the stored record with the tier as an enum name. */
type CustomerNode = Omit<SupportCustomer, 'tier'> & { tier: 'STANDARD' | 'PRIORITY' };

interface CustomersConnection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: CustomerNode }[];
}

const customersQuery = `query Customers($first: Int, $after: String, $since: DateTime) {
  customers(first: $first, after: $after, updatedSince: $since) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id email displayName phone tier openTickets organization { name domain } updatedAt } }
  }
}`;

async function graphql<T>(apis: DemoApis, query: string, variables: Record<string, unknown> = {}, token = apis.credentials.supportToken) {
  return getJson<{ data?: T; errors?: { message: string }[] }>(apis.support.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
}

let apis: DemoApis;
before(async () => {
  apis = await startDemoApis();
});
after(() => apis.stop());

test('the dataset is deterministic and has the documented shape', () => {
  const a = createDemoDataset();
  assert.deepEqual(a, createDemoDataset());
  assert.notDeepEqual(a, createDemoDataset({ seed: 7 }));
  assert.equal(a.people.length, 60);
  assert.equal(a.crm.contacts.length, 49);
  assert.equal(a.billing.customers.length, 44);
  assert.equal(a.support.customers.length, 42);
  assert.deepEqual(a.crm.contacts[0], {
    id: 'crm_00001',
    email: 'Ada.Nguyen@Example.Net',
    first_name: 'Ada',
    last_name: 'Nguyen',
    phone: '+1 617-555-0157',
    company: null,
    lifecycle_stage: 'opportunity',
    tags: ['beta'],
    address: { street: '129 Elm Road', city: 'Paris', country: 'FR' },
    updated_at: '2026-08-30T05:25:57.000Z',
  });
  assert.equal(createDemoDataset({ people: 10 }).people.length, 10);

  // Update times lie in the 90 days before the base date.
  const base = DEMO_BASE_DATE.getTime();
  const times = [
    ...a.crm.contacts.map((c) => Date.parse(c.updated_at)),
    ...a.billing.customers.map((c) => c.updated_at * 1000),
    ...a.support.customers.map((c) => Date.parse(c.updatedAt)),
  ];
  for (const t of times) assert.ok(t < base && t >= base - 90 * 86_400_000, new Date(t).toISOString());
  assert.ok(a.billing.customers.every((c) => Number.isInteger(c.updated_at)));
});

test('people overlap across systems with conflicting but reconcilable fields', () => {
  const d = createDemoDataset();
  const everywhere = d.people.filter((p) => p.crmId && p.billingId && p.supportId);
  assert.equal(everywhere.length, 27);
  assert.equal(d.people.filter((p) => [p.crmId, p.billingId, p.supportId].filter(Boolean).length === 1).length, 12);

  let rawEmailsDiffer = 0;
  let namesDiffer = 0;
  let phonesDiffer = 0;
  for (const p of everywhere) {
    const crm = d.crm.contacts.find((c) => c.id === p.crmId)!;
    const billing = d.billing.customers.find((c) => c.customer_id === p.billingId)!;
    const support = d.support.customers.find((c) => c.id === p.supportId)!;
    const emails = [crm.email, billing.contact.email, support.email];
    // Every present email normalizes to the person's address: a merge on it finds them.
    for (const e of emails) if (e !== null) assert.equal(normalize(e), p.email);
    if (new Set(emails.filter((e) => e !== null)).size > 1) rawEmailsDiffer++;
    if (billing.name !== `${crm.first_name} ${crm.last_name}` || support.displayName !== billing.name) namesDiffer++;
    if (crm.phone !== billing.contact.phone || billing.contact.phone !== support.phone) phonesDiffer++;
  }
  assert.ok(rawEmailsDiffer >= 20, `raw emails differ for ${rawEmailsDiffer}`);
  assert.ok(namesDiffer >= 10, `names differ for ${namesDiffer}`);
  assert.ok(phonesDiffer >= 20, `phones differ for ${phonesDiffer}`);

  // A few people everywhere lack an email in exactly one system.
  const missing = [
    ...d.crm.contacts.filter((c) => c.email === null),
    ...d.billing.customers.filter((c) => c.contact.email === null),
    ...d.support.customers.filter((c) => c.email === null),
  ];
  assert.equal(missing.length, 3);

  // No two people share an address, in any system.
  assert.equal(new Set(d.people.map((p) => p.email)).size, d.people.length);
  for (const list of [d.crm.contacts.map((c) => c.email), d.billing.customers.map((c) => c.contact.email), d.support.customers.map((c) => c.email)]) {
    const present = list.filter((e) => e !== null).map(normalize);
    assert.equal(new Set(present).size, present.length);
  }
});

test('demo credentials map to the env names the demo config reads', () => {
  assert.deepEqual(Object.keys(demoCredentialEnv(DEFAULT_DEMO_CREDENTIALS)), [
    'DEMO_CRM_API_KEY',
    'DEMO_BILLING_CLIENT_ID',
    'DEMO_BILLING_CLIENT_SECRET',
    'DEMO_SUPPORT_TOKEN',
  ]);
  assert.equal(demoCredentialEnv(apis.credentials).DEMO_SUPPORT_TOKEN, DEFAULT_DEMO_CREDENTIALS.supportToken);
});

test('CRM refuses missing and wrong API keys', async () => {
  for (const headers of [{}, { 'x-api-key': 'nope' }] as Record<string, string>[]) {
    const { status, body } = await getJson(`${apis.crm.url}/v1/contacts`, { headers });
    assert.equal(status, 401);
    assert.deepEqual(body, { error: 'invalid_api_key' });
  }
});

test('CRM cursor pages return every contact exactly once, in id order', async () => {
  const headers = { 'x-api-key': apis.credentials.crmApiKey };
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string = `${apis.crm.url}/v1/contacts?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const { status, body }: { status: number; body: CrmContactsPage } = await getJson<CrmContactsPage>(url, { headers });
    assert.equal(status, 200);
    assert.ok(body.data.length <= 7);
    seen.push(...body.data.map((c) => c.id));
    cursor = body.next_cursor;
    pages++;
  } while (cursor);
  assert.equal(pages, 7);
  assert.deepEqual(seen, apis.dataset.crm.contacts.map((c) => c.id));

  const first = await getJson<CrmContactsPage>(`${apis.crm.url}/v1/contacts`, { headers });
  assert.equal(first.body.data.length, 20);
  const clamped = await getJson<CrmContactsPage>(`${apis.crm.url}/v1/contacts?limit=1000`, { headers });
  assert.equal(clamped.body.data.length, 49);
  assert.equal(clamped.body.next_cursor, null);

  const since = '2026-09-15T00:00:00Z';
  const recent = await getJson<CrmContactsPage>(`${apis.crm.url}/v1/contacts?limit=100&updated_since=${since}`, { headers });
  const expected = apis.dataset.crm.contacts.filter((c) => c.updated_at >= '2026-09-15T00:00:00.000Z').map((c) => c.id);
  assert.ok(expected.length > 0 && expected.length < 49);
  assert.deepEqual(recent.body.data.map((c) => c.id), expected);

  const one = await getJson(`${apis.crm.url}/v1/contacts/crm_00001`, { headers });
  assert.equal(one.status, 200);
  assert.equal(one.body.email, 'Ada.Nguyen@Example.Net');
  assert.equal((await getJson(`${apis.crm.url}/v1/contacts/crm_99999`, { headers })).status, 404);
  assert.equal((await getJson(`${apis.crm.url}/v1/contacts?cursor=garbage`, { headers })).status, 400);
});

test('billing token endpoint implements client credentials with body or Basic client auth', async () => {
  const { billingClientId: id, billingClientSecret: secret } = apis.credentials;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${encodeURIComponent(u)}:${encodeURIComponent(p)}`).toString('base64')}`;

  const viaBasic = await getJson<BillingTokenResponse>(apis.billing.tokenUrl, {
    method: 'POST',
    headers: { ...form, authorization: basic(id, secret) },
    body: 'grant_type=client_credentials',
  });
  assert.equal(viaBasic.status, 200);
  assert.equal(viaBasic.body.token_type, 'Bearer');
  assert.equal(viaBasic.body.expires_in, 3600);
  assert.equal(viaBasic.body.scope, 'customers:read');
  assert.match(viaBasic.body.access_token, /^demo_at_/);
  assert.equal(viaBasic.headers.get('cache-control'), 'no-store');

  const wrong = await getJson(apis.billing.tokenUrl, { method: 'POST', headers: { ...form, authorization: basic(id, 'wrong') }, body: 'grant_type=client_credentials' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error, 'invalid_client');
  const wrongBody = await getJson(apis.billing.tokenUrl, {
    method: 'POST',
    headers: form,
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: 'wrong' }),
  });
  assert.equal(wrongBody.status, 401);
  assert.equal(wrongBody.body.error, 'invalid_client');
  const wrongGrant = await getJson(apis.billing.tokenUrl, {
    method: 'POST',
    headers: form,
    body: new URLSearchParams({ grant_type: 'password', client_id: id, client_secret: secret }),
  });
  assert.equal(wrongGrant.status, 400);
  assert.equal(wrongGrant.body.error, 'unsupported_grant_type');
});

test('billing refuses requests without a valid bearer token', async () => {
  for (const headers of [{}, { authorization: 'Bearer not-a-token' }] as Record<string, string>[]) {
    const { status, headers: h, body } = await getJson(`${apis.billing.url}/api/customers`, { headers });
    assert.equal(status, 401);
    assert.equal(body.error, 'invalid_token');
    assert.match(h.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
  }
});

test('billing page numbers return every customer exactly once', async () => {
  const headers = { authorization: `Bearer ${await billingToken(apis)}` };
  const seen: number[] = [];
  for (let page = 1; ; page++) {
    const { status, body } = await getJson<BillingCustomersPage>(`${apis.billing.url}/api/customers?page=${page}&per_page=10`, { headers });
    assert.equal(status, 200);
    assert.equal(body.page, page);
    assert.equal(body.per_page, 10);
    assert.equal(body.total, 44);
    assert.equal(body.total_pages, 5);
    if (body.customers.length === 0) {
      assert.equal(page, 6);
      break;
    }
    seen.push(...body.customers.map((c) => c.customer_id));
  }
  assert.deepEqual(seen, apis.dataset.billing.customers.map((c) => c.customer_id));
  assert.equal(new Set(seen).size, 44);

  const defaults = await getJson<BillingCustomersPage>(`${apis.billing.url}/api/customers`, { headers });
  assert.equal(defaults.body.per_page, 25);
  assert.equal(defaults.body.customers.length, 25);
  const clamped = await getJson<BillingCustomersPage>(`${apis.billing.url}/api/customers?per_page=500`, { headers });
  assert.equal(clamped.body.per_page, 100);
  assert.equal(clamped.body.total_pages, 1);
  assert.equal((await getJson(`${apis.billing.url}/api/customers?page=0`, { headers })).status, 400);
});

test('support GraphQL refuses missing and wrong tokens with HTTP 401', async () => {
  const noToken = await getJson(apis.support.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
  assert.equal(noToken.status, 401);
  const wrong = await graphql(apis, '{ __typename }', {}, 'wrong-token');
  assert.equal(wrong.status, 401);
});

test('support Relay pages return every customer exactly once', async () => {
  const seen: string[] = [];
  let after: string | null = null;
  for (;;) {
    const { status, body }: { status: number; body: { data?: { customers: CustomersConnection }; errors?: unknown } } = await graphql<{
      customers: CustomersConnection;
    }>(apis, customersQuery, { first: 9, after });
    assert.equal(status, 200);
    assert.equal(body.errors, undefined);
    const conn = body.data!.customers;
    assert.equal(conn.totalCount, 42);
    seen.push(...conn.edges.map((e) => e.node.id));
    if (!conn.pageInfo.hasNextPage) break;
    assert.equal(conn.pageInfo.endCursor, conn.edges.at(-1)!.cursor);
    after = conn.pageInfo.endCursor;
  }
  assert.deepEqual(seen, apis.dataset.support.customers.map((c) => c.id));

  const first = await graphql<{ customers: CustomersConnection }>(apis, customersQuery);
  assert.equal(first.body.data!.customers.edges.length, 20);
  const node = first.body.data!.customers.edges[0]!.node;
  assert.equal(node.id, 'sup_001');
  assert.equal(node.tier, apis.dataset.support.customers[0]!.tier.toUpperCase());

  const since = '2026-09-15T00:00:00.000Z';
  const recent = await graphql<{ customers: CustomersConnection }>(apis, customersQuery, { first: 100, since });
  const expected = apis.dataset.support.customers.filter((c) => c.updatedAt >= since).map((c) => c.id);
  assert.deepEqual(recent.body.data!.customers.edges.map((e) => e.node.id), expected);
  assert.equal(recent.body.data!.customers.totalCount, expected.length);

  const tooMany = await graphql(apis, customersQuery, { first: 101 });
  assert.match(tooMany.body.errors?.[0]?.message ?? '', /first must be between 0 and 100/);
  const one = await graphql<{ customer: { id: string; displayName: string } | null }>(apis, '{ customer(id: "sup_001") { id displayName } }');
  assert.deepEqual(one.body.data?.customer, { id: 'sup_001', displayName: apis.dataset.support.customers[0]!.displayName });
  const none = await graphql<{ customer: null }>(apis, '{ customer(id: "sup_999") { id } }');
  assert.equal(none.body.data?.customer, null);
});

test('billing tokens expire after the configured lifetime', async () => {
  const short = await startDemoApis({ tokenTtlSeconds: 1 });
  try {
    const token = await billingToken(short);
    const url = `${short.billing.url}/api/customers`;
    assert.equal((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const expired = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(expired.status, 401);
    assert.match(expired.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal((await fetch(url, { headers: { authorization: `Bearer ${await billingToken(short)}` } })).status, 200);
    assert.equal(short.stats.tokensIssued, 2);
  } finally {
    await short.stop();
  }
});

test('injected faults fail the next data requests, then the API recovers', async () => {
  const demo = await startDemoApis({ credentials: { crmApiKey: 'custom-key' } });
  try {
    const crmUrl = `${demo.crm.url}/v1/contacts?limit=1`;
    const headers = { 'x-api-key': 'custom-key' };
    demo.faults.failNext('crm', 2, 503, 7);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(crmUrl, { headers });
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '7');
    }
    assert.equal((await fetch(crmUrl, { headers })).status, 200);
    assert.equal(demo.stats.requests.crm, 3);

    // Token requests are not data requests: the fault waits for the customers call.
    demo.faults.failNext('billing', 1, 429);
    const token = await billingToken(demo);
    const limited = await fetch(`${demo.billing.url}/api/customers`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), null);
    assert.equal((await fetch(`${demo.billing.url}/api/customers`, { headers: { authorization: `Bearer ${token}` } })).status, 200);

    demo.faults.failNext('support', 1);
    assert.equal((await graphql(demo, '{ __typename }')).status, 503);
    assert.equal((await graphql(demo, '{ __typename }')).status, 200);
    assert.deepEqual(demo.stats.requests, { crm: 3, billing: 2, support: 2 });
  } finally {
    await demo.stop();
  }
});

test('changes to the shared dataset show up upstream; stop is idempotent', async () => {
  const dataset = createDemoDataset({ people: 12, seed: 3 });
  const demo = await startDemoApis({ dataset });
  const headers = { 'x-api-key': demo.credentials.crmApiKey };
  const changed = dataset.crm.contacts[0]!;
  changed.phone = '+1 999-555-0199';
  changed.updated_at = '2026-10-01T12:00:00.000Z';
  const { body } = await getJson<CrmContactsPage>(`${demo.crm.url}/v1/contacts?updated_since=2026-10-01T00:00:00Z`, { headers });
  assert.deepEqual(body.data.map((c) => [c.id, c.phone]), [[changed.id, '+1 999-555-0199']]);
  await demo.stop();
  await demo.stop();
  await assert.rejects(fetch(`${demo.crm.url}/v1/contacts`, { headers }));
});

test('a port already in use fails the start', async () => {
  const taken = Number(new URL(apis.crm.url).port);
  await assert.rejects(startDemoApis({ ports: { crm: taken } }), /EADDRINUSE/);
});
