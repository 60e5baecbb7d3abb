import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entitySchema } from '../../config/entity-config.js';
import { coerceValue } from './coerce-value.js';
import { compileRecordMapper } from './map-record.js';
import { applyTransforms } from './transforms.js';

test('transforms apply in order and pass nulls through', () => {
  assert.equal(applyTransforms('  Ada@Example.COM ', ['trim', 'lower']), 'ada@example.com');
  assert.equal(applyTransforms(4900, [{ scale: 0.01 }]), 49);
  assert.equal(applyTransforms(1759276800, ['epoch_seconds']), '2025-10-01T00:00:00.000Z');
  assert.equal(applyTransforms('PRIORITY', [{ map: { PRIORITY: 'priority' } }]), 'priority');
  assert.equal(applyTransforms(null, ['trim', { default: 'n/a' }]), 'n/a');
  assert.equal(applyTransforms('   ', ['null_if_empty']), null);
  assert.equal(applyTransforms('+1 (555) 010-0200', ['digits']), '15550100200');
});

test('coercion checks types and normalizes their stored form', () => {
  const f = (type: 'string' | 'integer' | 'decimal' | 'boolean' | 'timestamp' | 'date', array = false) => ({ type, array, required: false, nullOverwrites: false, index: false });
  assert.deepEqual(coerceValue('42', f('integer')), { ok: true, value: 42 });
  assert.equal(coerceValue('4.2', f('integer')).ok, false);
  assert.deepEqual(coerceValue(49.5, f('decimal')), { ok: true, value: '49.5' });
  assert.deepEqual(coerceValue('2026-10-01T02:00:00+02:00', f('timestamp')), { ok: true, value: '2026-10-01T00:00:00.000Z' });
  assert.deepEqual(coerceValue('2026-10-01', f('date')), { ok: true, value: '2026-10-01' });
  assert.deepEqual(coerceValue(['a', 1], f('string', true)), { ok: true, value: ['a', '1'] });
  assert.match((coerceValue({ a: 1 }, f('string')) as { reason: string }).reason, /expected a string/);
});

test('a mapper reads paths and templates, and rejects records that violate the schema', () => {
  const entity = entitySchema.parse({
    fields: { email: { type: 'string', required: true }, name: { type: 'string' }, n: { type: 'integer' } },
    matchOn: ['email'],
    sources: {},
  });
  const map = compileRecordMapper(entity, {
    fields: { email: { path: '$.contact.email', transforms: ['trim', 'lower'] }, name: { template: '{first} {last}', transforms: [] }, n: '$.n' },
    updatedAt: '$.updated',
  });
  assert.deepEqual(map({ contact: { email: ' A@B.C ' }, first: 'Ada', last: 'Lovelace', n: '3', updated: '2026-01-01T00:00:00Z' }), {
    ok: true,
    values: { email: 'a@b.c', name: 'Ada Lovelace', n: 3 },
    updatedAt: Date.parse('2026-01-01T00:00:00Z'),
  });
  assert.deepEqual(map({ contact: {}, n: 'x' }), {
    ok: false,
    reason: 'n: expected an integer, got "x"; email: required but missing',
    problems: ['n: expected an integer, got "x"', 'email: required but missing'],
  });
});

test('parse_timestamp and concat; text that does not parse is left for coercion to reject', () => {
  const step = { parse_timestamp: { format: 'DD.MM.YYYY HH:mm', timezone: 'Europe/Berlin' } };
  assert.equal(applyTransforms('24.12.2026 18:00', [step]), '2026-12-24T17:00:00.000Z');
  assert.equal(applyTransforms('soon', [step]), 'soon');
  const entity = entitySchema.parse({ fields: { label: { type: 'string' } }, matchOn: ['label'], sources: {} });
  const map = compileRecordMapper(entity, { fields: { label: { concat: ['$.a', '$.tags[*]', '$.none'], separator: ' / ', transforms: ['upper'] } } });
  assert.deepEqual(map({ a: 'x', tags: ['y', '', 'z'] }), { ok: true, values: { label: 'X / Y / Z' }, updatedAt: null });
  assert.deepEqual(map({}), { ok: true, values: { label: null }, updatedAt: null });
});

test('a mapping object must say where the value comes from', () => {
  const bad = (m: unknown) => entitySchema.safeParse({ fields: { a: { type: 'string' } }, matchOn: ['a'], sources: { 'x.y': { fields: { a: m } } } });
  assert.match(JSON.stringify(bad({ transforms: ['trim'] }).error?.issues), /give exactly one of path, template or concat/);
  assert.match(JSON.stringify(bad({ path: '$.a', template: '{a}' }).error?.issues), /got path and template/);
  assert.equal(bad({ path: '$.a' }).success, true);
});
