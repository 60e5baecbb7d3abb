import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entitySchema, entitySourceMappingSchema } from '../../config/entities/entity-config.js';
import { compileFieldReader, compileRecordMapper } from './map-record.js';

test('$parent paths read the parent record; other paths read the element', () => {
  const entity = entitySchema.parse({
    parent: 'customer',
    childKey: ['kind'],
    fields: { kind: { type: 'string' }, owner: { type: 'string' }, label: { type: 'string' }, tags: { type: 'string', array: true }, note: { type: 'string' }, parent_id: { type: 'integer' } },
    sources: { 'crm.contacts': { each: '$.addresses[*]', fields: {} } },
  });
  const map = compileRecordMapper(entity, entitySourceMappingSchema.parse({
    each: '$.addresses[*]',
    updatedAt: '$parent.updated_at',
    fields: {
      kind: { path: '$.kind', transforms: ['lower'] },
      owner: "$parent['full name']",
      label: { template: '{$parent.id}/{kind}' },
      tags: '$parent.tags[*]',
      note: { concat: ['$parent.tags[*]', '$.tag'], separator: ',' },
      parent_id: '$parent.id',
    },
  }));
  const parent = { id: 7, 'full name': 'Ada Lovelace', updated_at: '2026-02-01T10:00:00Z', tags: ['vip'], addresses: [{ kind: 'Home', tag: 'main' }] };
  const mapped = map(parent.addresses[0], parent);
  assert.deepEqual(mapped, {
    ok: true,
    values: { kind: 'home', owner: 'Ada Lovelace', label: '7/Home', tags: ['vip'], note: 'vip,main', parent_id: 7 },
    updatedAt: Date.parse('2026-02-01T10:00:00Z'),
  });
  // `$parent` alone is the whole record; `$parentx` is not a parent path (and not valid JSONPath).
  assert.deepEqual(compileFieldReader('$parent')({ a: 1 }, { b: 2 }), { b: 2 });
  assert.throws(() => compileFieldReader('$parentx'), /invalid JSONPath/);
  // Without a parent (a top-level mapping), a parent path reads nothing.
  assert.equal(compileFieldReader('$parent.id')({ id: 1 }), undefined);
});
