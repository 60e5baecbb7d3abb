import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entitySchema } from '../../config/entities/entity-config.js';
import { compileRecordPreview } from './preview-record.js';

test('a preview maps a record for every entity of its stream: values and match keys, quarantine reasons, tombstones, skips, children', () => {
  const person = entitySchema.parse({
    matchOn: ['email'],
    fields: { email: { type: 'string', required: true }, age: { type: 'integer' } },
    sources: { 'crm.contacts': { deletedWhen: { path: '$.deleted_at', notNull: true }, skipWhen: { path: '$.type', equals: 'bot' }, fields: { email: { path: '$.email', transforms: ['lower'] }, age: '$.age' } } },
  });
  const address = entitySchema.parse({ parent: 'person', childKey: ['kind'], fields: { kind: { type: 'string' } }, sources: { 'crm.contacts': { each: '$.addresses[*]', fields: { kind: '$.kind' } } } });
  const preview = compileRecordPreview({ person, address }, 'crm.contacts');
  assert.deepEqual(preview({ email: 'A@x.io', age: 3, addresses: [{ kind: 'home' }] }), [
    { entity: 'person', status: 'mapped', values: { email: 'a@x.io', age: 3 }, matchKeys: [['email', 'a@x.io']] },
    { entity: 'address', status: 'mapped', children: [{ values: { kind: 'home' } }] },
  ]);
  const [bad] = preview({ age: 'old' });
  assert.equal(bad!.status, 'quarantined');
  assert.deepEqual(bad!.problems, ['age: expected an integer, got "old"', 'email: required but missing']);
  assert.equal(preview({ email: 'a@x.io', deleted_at: '2026-01-01' })[0]!.status, 'tombstone');
  assert.equal(preview({ email: 'a@x.io', type: 'bot' })[0]!.status, 'skipped');
  assert.deepEqual(compileRecordPreview({ person }, 'other.stream')({}), []);
});
