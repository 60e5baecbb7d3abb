import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { contentHash, hashStableJson, stableStringify } from './stable-json.js';

/** The reference definition: JSON of a copy whose keys were inserted in sorted order. */
function reference(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const x = (v as Record<string, unknown>)[key];
        if (x !== undefined) out[key] = sortKeys(x);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

test('sorts keys at every level and matches the reference form', () => {
  assert.equal(stableStringify({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'x' } }), '{"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}');
  assert.equal(stableStringify({ b: undefined, a: () => 1, c: Symbol('s') }), '{}');
  assert.equal(stableStringify([undefined, () => 1, Number.NaN, -0, Infinity]), '[null,null,null,0,null]');
  assert.equal(stableStringify({ 10: 'a', 2: 'b', b: 1, '01': 2, A: 3 }), reference({ 10: 'a', 2: 'b', b: 1, '01': 2, A: 3 }));
  assert.equal(stableStringify({ at: new Date(0), m: new Map([[1, 2]]) }), '{"at":"1970-01-01T00:00:00.000Z","m":{}}');
  assert.equal(stableStringify('é"\n\u2028'), JSON.stringify('é"\n\u2028'));
  assert.equal(stableStringify(undefined), undefined);
  assert.equal(stableStringify(JSON.parse('{"__proto__":{"x":1},"a":1}')), '{"a":1}');
  assert.throws(() => stableStringify({ n: 1n }), TypeError);
});

test('equals the reference form for any value (property)', () => {
  fc.assert(
    fc.property(fc.anything({ withDate: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true }), (v) => {
      assert.equal(stableStringify(v), reference(v));
    }),
    { numRuns: 5000 },
  );
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      assert.equal(stableStringify(v), reference(v));
    }),
    { numRuns: 2000 },
  );
});

test('content hashes stay what they were', () => {
  // Stored hashes (contributions, entity rows) were computed by the earlier implementation.
  assert.equal(contentHash({ v: { email: 'a@b.c', tags: ['x', 'y'], n: 1.5 }, u: 1700000000000 }), '6f76210e2a31fb65bd69f5951e46098d');
  const entity = { values: { a: null, b: 'x' }, provenance: { b: { source: 'crm', stream: 's', key: 'k', at: '2025-01-01T00:00:00.000Z' } }, sources: ['crm'] };
  assert.equal(contentHash(entity), '4a68ad61dce53959d03eb395119c6849');
  assert.equal(hashStableJson(stableStringify(entity)), '4a68ad61dce53959d03eb395119c6849');
});
