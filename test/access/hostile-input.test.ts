import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { type AccessFixture, createAccessFixture } from './access-fixture.js';

let x: AccessFixture;
before(async () => {
  x = await createAccessFixture(12);
});
after(async () => {
  await x?.close();
});

// A URL cannot carry a lone surrogate: the drawn text is made well-formed before encoding.
const enc = (text: string) => encodeURIComponent(text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

// Defect: each of these answered 500 (or 200 with no data for in.( and cs.).
test('malformed input answers 400 with a message, never 500', async () => {
  const bad = [
    '/v1/entities/customer?email=eq.a%00b',
    '/v1/entities/customer?tags=cs.a%00',
    '/v1/entities/customer?name=like.a%00*',
    '/v1/entities/customer/k%00ey',
    '/v1/entities/customer/k%00ey/provenance',
    '/v1/runs/r%00un',
    `/v1/entities/customer?order=score.asc&cursor=${cursorOf(['score.asc', ['abc'], 'k'])}`,
    `/v1/entities/customer?order=signed_up.asc&cursor=${cursorOf(['signed_up.asc', ['not a time'], 'k'])}`,
    '/v1/entities/customer?email=in.(',
    '/v1/entities/customer?email=in.()',
    '/v1/entities/customer?tags=cs.',
    '/v1/entities/customer?score=eq.99999999999999999999',
    '/v1/entities/customer?score=eq.9223372036854775808',
    '/v1/entities/customer?balance=gt.1e999999',
    '/v1/entities/customer?signed_up=gt.2026-02-31T00:00:00Z',
  ];
  for (const path of bad) {
    const { status, body } = await x.get(path);
    assert.equal(status, 400, `${path}: ${JSON.stringify(body)}`);
    assert.equal(typeof body.error, 'string', path);
  }
  const gql = await x.graphql('query($e: String) { customers(first: 2, filter: { email: { eq: $e } }) { nodes { email } } }', { e: 'a\u0000b' });
  assert.equal(gql.status, 400, JSON.stringify(gql.body));
});

/** Text a hostile client might send: control characters, quotes, escapes, long numbers, odd unicode. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('\u0000', '%00', '(', ')', '("a",', '"', '\\', '*', '.', '', 'null', 'not_null', '1e999999', '99999999999999999999', '-0', '2026-02-31', 'true', '[]', '{}', '\u{1F600}', '\uD800'),
  fc.stringMatching(/^[-0-9.eE+]{1,25}$/),
);
const ops = fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'ilike', 'is', 'cs', 'xx');
const fields = fc.constantFrom('email', 'name', 'plan', 'score', 'balance', 'active', 'signed_up', 'tags', '_key', 'nope');
const reserved = fc.constantFrom('limit', 'cursor', 'order', 'select', 'updated_since');

test('no route answers 5xx to any drawn query, key, cursor or variable (property)', { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.tuple(fields, ops, hostile).map(([f, op, v]) => `/v1/entities/customer?${enc(f)}=${enc(`${op}.${v}`)}`),
        fc.tuple(reserved, hostile).map(([k, v]) => `/v1/entities/customer?${k}=${enc(v)}`),
        fc.tuple(fc.constantFrom('score.asc', 'signed_up.desc', 'email.asc', '_last_changed.asc'), fc.array(fc.oneof(hostile, fc.constant(null), fc.integer()), { maxLength: 3 }), hostile).map(
          ([order, values, key]) => `/v1/entities/customer?order=${order}&cursor=${cursorOf([order, values, key])}`,
        ),
        hostile.map((k) => `/v1/entities/customer/${enc(k)}`),
        hostile.map((k) => `/v1/entities/customer/${enc(k)}/sources`),
        hostile.map((k) => `/v1/runs/${enc(k)}`),
        hostile.map((k) => `/v1/runs?limit=${enc(k)}`),
        hostile.map((k) => `/v1/entities/${enc(k)}`),
      ),
      async (path) => {
        const { status, body } = await x.get(path);
        assert.ok(status < 500, `${path} answered ${status}: ${JSON.stringify(body)}`);
      },
    ),
    { numRuns: 300, seed: 24 },
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('eq', 'ne', 'gt', 'lt', 'in', 'like'), fc.constantFrom('email', 'score', 'balance', 'signed_up', 'active'), hostile, async (op, field, value) => {
      const type = { email: 'String', score: 'String', balance: 'String', signed_up: 'String', active: 'String' }[field];
      const list = op === 'in' ? `[${type}]` : type;
      const { status } = await x.graphql(`query($v: ${list}) { customers(first: 2, filter: { ${field}: { ${op}: $v } }) { nodes { email } } }`, { v: op === 'in' ? [value] : value });
      assert.ok(status < 500, `graphql ${field} ${op} ${JSON.stringify(value)} answered ${status}`);
    }),
    { numRuns: 150, seed: 24 },
  );
});
