import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { entitySchema } from '../../config/entities/entity-config.js';
import type { Contribution } from './contribution.js';
import { resolveEntity } from './resolve-entity.js';
import { resolveField } from './strategies.js';

const c = (source: string, values: Record<string, unknown>, updatedAt: number | null, key = `${source}-1`): Contribution => ({ source, stream: 's', sourceKey: key, values, updatedAt, fetchedAt: 1_000 });
const ctx = (field: string, type: 'string' | 'integer' | 'decimal' | 'timestamp' = 'string', priority: string[] = []) => ({
  field,
  config: { type, array: false, required: false, nullOverwrites: false, index: false },
  priority,
  mappingOrder: ['crm', 'billing', 'support'],
});

test('latest takes the most recently updated non-null value; nulls never overwrite', () => {
  const cs = [c('crm', { phone: '1' }, 100), c('billing', { phone: '2' }, 300), c('support', { phone: null }, 900)];
  assert.deepEqual(resolveField('latest', cs, ctx('phone')), { value: '2', provenance: { source: 'billing', stream: 's', key: 'billing-1', at: new Date(300).toISOString() } });
});

test('earliest, priority and first_non_null', () => {
  const cs = [c('crm', { n: 'a' }, 200), c('billing', { n: 'b' }, 100), c('support', { n: 'c' }, 300)];
  assert.equal(resolveField('earliest', cs, ctx('n')).value, 'b');
  assert.equal(resolveField('priority', cs, ctx('n', 'string', ['support', 'crm'])).value, 'c');
  assert.equal(resolveField('first_non_null', cs, ctx('n')).value, 'a');
  assert.equal(resolveField('priority', [c('crm', { n: null }, 1), c('billing', { n: 'b' }, 1)], ctx('n', 'string', ['crm', 'billing'])).value, 'b');
});

test('max and min compare by type; sum adds; union de-duplicates and sorts', () => {
  const cs = [c('crm', { v: '10.5', t: 9 }, 1), c('billing', { v: '9.75', t: 2 }, 1)];
  assert.equal(resolveField('max', cs, ctx('v', 'decimal')).value, '10.5');
  assert.equal(resolveField('min', cs, ctx('v', 'decimal')).value, '9.75');
  assert.equal(resolveField('sum', cs, ctx('t', 'integer')).value, 11);
  const tags = [c('crm', { tags: ['b', 'a'] }, 1), c('billing', { tags: ['a', 'c'] }, 1)];
  const u = resolveField('union', tags, ctx('tags'));
  assert.deepEqual(u.value, ['a', 'b', 'c']);
  assert.equal((u.provenance as unknown[]).length, 2);
});

test('no contribution with a value gives null with no provenance', () => {
  assert.deepEqual(resolveField('latest', [c('crm', { x: null }, 1)], ctx('x')), { value: null, provenance: null });
});

const entity = entitySchema.parse({
  fields: {
    name: { type: 'string', strategy: 'priority', priority: ['crm', 'billing'] },
    phone: { type: 'string' },
    tickets: { type: 'integer', strategy: 'sum' },
    tags: { type: 'string', array: true, strategy: 'union' },
    mrr: { type: 'decimal', strategy: 'max' },
  },
  matchOn: ['name'],
  sources: { 'crm.s': {}, 'billing.s': {}, 'support.s': {} },
});

const contribution = fc.record({
  source: fc.constantFrom('crm', 'billing', 'support'),
  key: fc.constantFrom('k1', 'k2', 'k3'),
  name: fc.option(fc.constantFrom('Ada', 'Grace', 'Alan'), { nil: null }),
  phone: fc.option(fc.constantFrom('1', '2', '3'), { nil: null }),
  tickets: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
  tags: fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 }),
  mrr: fc.option(fc.constantFrom('1.5', '20', '3.25'), { nil: null }),
  updatedAt: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
});

// A set of contributions has at most one per (source, stream, key), as in the store.
const contributionSet = fc.uniqueArray(contribution, { selector: (x) => `${x.source}/${x.key}`, maxLength: 9 }).map((xs) =>
  xs.map((x) => c(x.source, { name: x.name, phone: x.phone, tickets: x.tickets, tags: x.tags, mrr: x.mrr }, x.updatedAt, x.key)),
);

test('property: the merged entity does not depend on the order of contributions', () => {
  fc.assert(
    fc.property(contributionSet, fc.infiniteStream(fc.nat()), (cs, seeds) => {
      const shuffled = [...cs].sort(() => (seeds.next().value % 3) - 1);
      assert.deepEqual(resolveEntity('e', entity, shuffled), resolveEntity('e', entity, cs));
    }),
  );
});

test('property: merging in batches across runs equals merging at once, and merging twice changes nothing', () => {
  fc.assert(
    fc.property(contributionSet, fc.nat(), (cs, cut) => {
      // A second run only adds contributions; the store keeps the union, and the merge reads it all.
      const firstRun = cs.slice(0, cut % (cs.length + 1));
      const once = resolveEntity('e', entity, cs);
      const afterFirst = resolveEntity('e', entity, firstRun);
      const afterSecond = resolveEntity('e', entity, [...firstRun, ...cs.slice(firstRun.length)]);
      assert.deepEqual(afterSecond, once);
      assert.equal(resolveEntity('e', entity, cs).hash, once.hash);
      if (firstRun.length === cs.length) assert.equal(afterFirst.hash, once.hash);
    }),
  );
});

test('nullOverwrites lets the winning record clear a field; without it nulls never win', () => {
  const cs = [c('crm', { s: 'active' }, 100), c('billing', { s: null }, 300), c('support', {}, 900)];
  const base = ctx('s');
  assert.equal(resolveField('latest', cs, base).value, 'active');
  const cleared = resolveField('latest', cs, { ...base, config: { ...base.config, nullOverwrites: true } });
  assert.deepEqual(cleared, { value: null, provenance: { source: 'billing', stream: 's', key: 'billing-1', at: new Date(300).toISOString() } });
  assert.equal(resolveField('max', [c('crm', { s: 3 }, 1), c('billing', { s: null }, 2)], { ...ctx('s', 'integer'), config: { ...base.config, type: 'integer', nullOverwrites: true } }).value, 3);
});

test('latest falls back to fetch time when a source has no updated-at', () => {
  const a: Contribution = { source: 'crm', stream: 's', sourceKey: 'a', values: { p: 'old' }, updatedAt: 500, fetchedAt: 100 };
  const b: Contribution = { source: 'billing', stream: 's', sourceKey: 'b', values: { p: 'new' }, updatedAt: null, fetchedAt: 900 };
  assert.equal(resolveField('latest', [a, b], ctx('p')).value, 'new');
  assert.equal(resolveField('earliest', [a, b], ctx('p')).value, 'old');
});

test('custom: a returned candidate keeps its provenance; a derived value lists every candidate and must fit the type', () => {
  const cs = [c('crm', { n: 'Ada' }, 1), c('billing', { n: 'Ada Lovelace' }, 2)];
  const longest = resolveField('custom', cs, { ...ctx('n'), custom: (xs) => xs.reduce((p, q) => (String(q.value).length > String(p.value).length ? q : p)) });
  assert.deepEqual(longest.provenance, { source: 'billing', stream: 's', key: 'billing-1', at: new Date(2).toISOString() });
  const joined = resolveField('custom', cs, { ...ctx('n'), custom: (xs) => xs.map((x) => x.value).join(' | ') });
  assert.equal(joined.value, 'Ada Lovelace | Ada', 'candidates arrive ordered by source, stream, key');
  assert.equal((joined.provenance as unknown[]).length, 2);
  assert.throws(() => resolveField('custom', cs, { ...ctx('n', 'integer'), custom: () => 'many' }), /does not fit the field: expected an integer/);
  assert.throws(() => resolveField('custom', cs, { ...ctx('n'), custom: async () => 'x' }), /synchronously/);
});
