import assert from 'node:assert/strict';
import { test } from 'node:test';
import { predicateSchema } from '../../config/entities/predicate-config.js';
import { compilePredicate } from './predicate.js';

const test_ = (p: unknown) => compilePredicate(predicateSchema.parse(p));

test('value predicates: equals (default true), in, notNull, isNull, matches', () => {
  assert.equal(test_({ path: '$.deleted' })({ deleted: true }), true);
  assert.equal(test_({ path: '$.deleted' })({ deleted: 'true' }), false);
  assert.equal(test_({ path: '$.status', equals: 'gone' })({ status: 'gone' }), true);
  assert.equal(test_({ path: '$.status', in: ['deleted', 'archived'] })({ status: 'archived' }), true);
  assert.equal(test_({ path: '$.status', in: ['deleted', 'archived'] })({ status: 'open' }), false);
  assert.equal(test_({ path: '$.deleted_at', notNull: true })({ deleted_at: '2026-01-01' }), true);
  assert.equal(test_({ path: '$.deleted_at', notNull: true })({ deleted_at: null }), false);
  assert.equal(test_({ path: '$.deleted_at', notNull: true })({}), false);
  assert.equal(test_({ path: '$.email', isNull: true })({}), true);
  assert.equal(test_({ path: '$.email', matches: '@example\\.com$' })({ email: 'a@example.com' }), true);
  assert.equal(test_({ path: '$.email', matches: '@example\\.com$' })({ email: 3 }), false);
});

test('all, any and not combine predicates', () => {
  const p = test_({ all: [{ path: '$.type', equals: 'user' }, { any: [{ path: '$.deleted_at', notNull: true }, { not: { path: '$.active', equals: true } }] }] });
  assert.equal(p({ type: 'user', deleted_at: 'x', active: true }), true);
  assert.equal(p({ type: 'user', active: false }), true);
  assert.equal(p({ type: 'user', active: true }), false);
  assert.equal(p({ type: 'bot', active: false }), false);
});

test('a predicate with two operators or a bad pattern is refused', () => {
  assert.equal(predicateSchema.safeParse({ path: '$.a', equals: 1, in: [1] }).success, false);
  assert.equal(predicateSchema.safeParse({ path: '$.a', matches: '(' }).success, false);
  assert.equal(predicateSchema.safeParse({ all: [] }).success, false);
});
