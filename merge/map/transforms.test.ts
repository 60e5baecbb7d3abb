import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entitySchema } from '../../config/entities/entity-config.js';
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
  assert.match(JSON.stringify(bad({ transforms: ['trim'] }).error?.issues), /give exactly one of path, template, concat or coalesce/);
  assert.match(JSON.stringify(bad({ path: '$.a', template: '{a}' }).error?.issues), /got path and template/);
  assert.equal(bad({ path: '$.a' }).success, true);
});

test('text transforms: regex_extract, regex_replace, split, pick and join', () => {
  assert.equal(applyTransforms('plan:pro', [{ regex_extract: { pattern: '^plan:(\\w+)$' } }]), 'pro');
  assert.equal(applyTransforms('order 42 of 50', [{ regex_extract: { pattern: '\\d+' } }]), '42');
  assert.equal(applyTransforms('v=7', [{ regex_extract: { pattern: '(?P<n>\\d+)', group: 'n' } }]), '7');
  assert.equal(applyTransforms('none', [{ regex_extract: { pattern: '\\d+' } }]), null);
  assert.equal(applyTransforms('LOVELACE, Ada', [{ regex_replace: { pattern: '^\\s*([^,]+),\\s*(.+)$', with: '$2 $1' } }]), 'Ada LOVELACE');
  assert.equal(applyTransforms('+1 (555) 010-0200', [{ regex_replace: { pattern: '[^+\\d]', with: '' } }]), '+15550100200');
  assert.deepEqual(applyTransforms('a;b;c', [{ split: { separator: ';' } }]), ['a', 'b', 'c']);
  assert.equal(applyTransforms('a;b;c', [{ split: { separator: ';', index: -1 } }]), 'c');
  assert.equal(applyTransforms('a', [{ split: { separator: ';', index: 3 } }]), null);
  assert.equal(applyTransforms(['vip', 'plan:pro'], [{ pick: { where: "search(@, '^plan:')", all: false } }, { regex_extract: { pattern: '^plan:(.+)$' } }]), 'pro');
  assert.deepEqual(applyTransforms([{ t: 'a', v: 1 }, { t: 'b', v: 2 }, { t: 'a', v: 3 }], [{ pick: { where: "@.t == 'a'", all: true } }]), [{ t: 'a', v: 1 }, { t: 'a', v: 3 }]);
  assert.equal(applyTransforms(['x', null, '', 'y'], [{ join: { separator: ', ' } }]), 'x, y');
  assert.equal(applyTransforms(null, [{ regex_replace: { pattern: 'a', with: 'b' } }, { split: { separator: ',' } }]), null);
  // A linear-time engine: a pattern that backtracks exponentially elsewhere answers at once.
  assert.equal(applyTransforms(`${'a'.repeat(30_000)}!`, [{ regex_extract: { pattern: '^(a+)+$' } }]), null);
});

test('coalesce takes the first path with a value', () => {
  const entity = entitySchema.parse({ fields: { phone: { type: 'string' } }, matchOn: ['phone'], sources: { 'a.b': { fields: { phone: { coalesce: ['$.mobile', '$.phones[0]', '$.home'], transforms: ['digits'] } } } } });
  const map = compileRecordMapper(entity, entity.sources['a.b']!);
  assert.deepEqual(map({ mobile: '', phones: [], home: '555-1' }), { ok: true, values: { phone: '5551' }, updatedAt: null });
  assert.deepEqual(map({ mobile: '+1 2', home: '555-1' }), { ok: true, values: { phone: '12' }, updatedAt: null });
});

test('an invalid pattern or filter is a config error naming its path', () => {
  const bad = entitySchema.safeParse({ fields: { n: { type: 'string' } }, matchOn: ['n'], sources: { 'a.b': { fields: { n: { path: '$.n', transforms: [{ regex_replace: { pattern: '(?<=x)y', with: '' } }] } } } } });
  assert.equal(bad.success, false);
  const issue = bad.error!.issues.find((i) => JSON.stringify(i).includes('invalid regular expression'));
  assert.ok(issue, JSON.stringify(bad.error!.issues));
});
