import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { entitySchema } from '../../config/entities/entity-config.js';
import { contentHash, stableStringify } from '../../core/stable-json.js';
import type { Contribution } from './contribution.js';
import { compileEntityResolver, resolveEntity } from './resolve-entity.js';

const entity = entitySchema.parse({
  fields: {
    name: { type: 'string', strategy: 'priority', priority: ['crm', 'billing'] },
    phone: { type: 'string' },
    tickets: { type: 'integer', strategy: 'sum' },
    tags: { type: 'string', array: true, strategy: 'union' },
    mrr: { type: 'decimal', strategy: 'max' },
    extra: { type: 'json', strategy: 'earliest' },
    a_first: { type: 'string', strategy: 'first_non_null' },
  },
  matchOn: ['name'],
  sources: { 'crm.s': {}, 'billing.s': {}, 'support.s': {} },
});

const contribution = fc.record({
  source: fc.constantFrom('crm', 'billing', 'support'),
  key: fc.constantFrom('k1', 'k2', 'k"3'),
  name: fc.option(fc.string(), { nil: null }),
  phone: fc.option(fc.constantFrom('1', '2'), { nil: undefined }),
  tickets: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
  tags: fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
  mrr: fc.option(fc.constantFrom('1.5', '20', '3.25'), { nil: null }),
  extra: fc.option(fc.jsonValue(), { nil: null }),
  a_first: fc.option(fc.constantFrom('x', 'y'), { nil: null }),
  updatedAt: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
  deletedAt: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null, freq: 3 }),
});

const contributionSet = fc.uniqueArray(contribution, { selector: (x) => `${x.source}/${x.key}`, maxLength: 9 }).map((xs) =>
  xs.map(
    ({ source, key, updatedAt, deletedAt, ...values }): Contribution => ({ source, stream: 's', sourceKey: key, values, updatedAt, fetchedAt: 1_000, deletedAt }),
  ),
);

test('property: the hash is the content hash of the merged parts, and the JSON parts are their stable JSON', () => {
  const resolve = compileEntityResolver(entity);
  fc.assert(
    fc.property(contributionSet, (cs) => {
      const r = resolve('e', cs);
      const { values, provenance, sources, deletedBy } = r;
      assert.equal(r.hash, contentHash(deletedBy.length > 0 ? { values, provenance, sources, deletedBy } : { values, provenance, sources }));
      assert.deepEqual(r.json, {
        values: stableStringify(values),
        provenance: stableStringify(provenance),
        sources: stableStringify(sources),
        deletedBy: deletedBy.length > 0 ? stableStringify(deletedBy) : null,
      });
      assert.deepEqual(resolveEntity('e', entity, [...cs].reverse()), r);
    }),
    { numRuns: 500 },
  );
});

test('a value shared by several fields of one record has one provenance entry, equal to a fresh one', () => {
  const c: Contribution = { source: 'crm', stream: 's', sourceKey: 'k', values: { name: 'Ada', a_first: 'x' }, updatedAt: 5, fetchedAt: 1 };
  const r = resolveEntity('e', entity, [c]);
  assert.deepEqual(r.provenance['name'], { source: 'crm', stream: 's', key: 'k', at: new Date(5).toISOString() });
  assert.equal(r.provenance['name'], r.provenance['a_first']);
  assert.deepEqual(r.sources, ['crm']);
});
