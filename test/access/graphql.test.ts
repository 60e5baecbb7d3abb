import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type AccessFixture, TOKENS, createAccessFixture } from './access-fixture.js';

let x: AccessFixture;
before(async () => {
  x = await createAccessFixture(25);
});
after(async () => {
  await x?.close();
});

const PAGE = `query Page($after: String, $since: DateTime) {
  customers(first: 4, after: $after, updatedSince: $since, filter: { score: { gte: 50 }, plan: { isNull: false } }, orderBy: [{ field: score, desc: true }]) {
    edges { cursor node { _key email score plan active signed_up tags } }
    pageInfo { hasNextPage endCursor }
  }
}`;

test('Relay pages with typed filters, order and updatedSince', async () => {
  const seen: any[] = [];
  let after: string | null = null;
  for (;;) {
    const { status, body } = await x.graphql(PAGE, { after, since: '2000-01-01T00:00:00Z' });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const conn = body.data.customers;
    seen.push(...conn.edges.map((e: any) => e.node));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  assert.equal(seen.length, 10);
  assert.deepEqual(seen.map((n) => n.score), [...seen.map((n) => n.score)].sort((a, b) => b - a));
  assert.equal(typeof seen[0].score, 'number');
  assert.equal(typeof seen[0].active, 'boolean');
  assert.match(seen[0].signed_up, /^\d{4}-\d{2}-\d{2}T/);
});

test('one entity by key with provenance and source records', async () => {
  const { body } = await x.graphql('{ customers(first: 1, filter: { email: { eq: "p004@example.com" } }) { nodes { _key } } }');
  const key = body.data.customers.nodes[0]._key;
  const one = await x.graphql('query($k: ID!) { customer(key: $k) { email plan _provenance _source_records } }', { k: key });
  assert.equal(one.body.data.customer.email, 'p004@example.com');
  assert.equal(one.body.data.customer._provenance.plan.from.source, 'billing');
  assert.equal(one.body.data.customer._source_records.length, 2);
  assert.equal((await x.graphql('{ customer(key: "nope") { email } }')).body.data.customer, null);
});

test('limits, bad input and auth', async () => {
  const deep = await x.graphql('{ customers { edges { node { _key } } pageInfo { hasNextPage } } a: customers { edges { node { email } } } }');
  assert.equal(deep.status, 200, 'within limits');
  const tooMany = await x.graphql(`{ ${Array.from({ length: 8 }, (_, i) => `c${i}: customers { nodes { _key email name plan score balance active } }`).join(' ')} }`);
  assert.equal(tooMany.status, 400);
  assert.match(tooMany.body.errors[0].message, /more than 60 fields/);
  const bigPage = await x.graphql('{ customers(first: 1000) { nodes { _key } } }');
  assert.match(bigPage.body.errors[0].message, /first must be from 1 to 100/);
  const badValue = await x.graphql('{ customers(filter: { signed_up: { lt: "yesterday" } }) { nodes { _key } } }');
  assert.match(badValue.body.errors[0].message, /"signed_up": "yesterday" is not an ISO 8601 timestamp/);
  const unknownField = await x.graphql('{ customers { nodes { password } } }');
  assert.equal(unknownField.status, 400);
  assert.equal((await x.graphql('{ customers { nodes { _key } } }', {}, null)).status, 401);
  const noScope = await x.graphql('{ customers { nodes { _key } } }', {}, TOKENS.runsOnly);
  assert.match(noScope.body.errors[0].message, /lacks scope customer:read/);
  assert.equal(noScope.body.data, null);
  const introspection = await x.graphql('{ __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }');
  assert.ok(introspection.body.data.__schema.types.some((t: any) => t.name === 'CustomerConnection'));
});
