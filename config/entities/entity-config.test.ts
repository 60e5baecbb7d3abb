import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../config-error.js';
import { parseConfig } from '../load-config.js';

const sources = { crm: { type: 'rest', baseUrl: 'http://x', streams: { contacts: { path: '/c', primaryKey: 'id' } } } };
const problems = (entities: unknown): Record<string, string> => {
  try {
    parseConfig({ version: 1, sources, entities, pipelines: {} }, 'x', {});
    return {};
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return Object.fromEntries(err.problems.map((p) => [p.path, p.message]));
  }
};

test('entity config problems name the path and what would be valid', () => {
  const p = problems({
    customer: {
      matchOn: ['email', { key: 'email', from: { 'crm.nope': '$.id' } }],
      fields: { email: { type: 'string' }, nick: { type: 'string', strategy: 'custom' }, n: { type: 'string', strategy: 'sum' } },
      removedFields: { email: 'drop' },
      sources: { 'crm.contacts': { fields: { email: '$.email' } } },
    },
    address: { parent: 'nobody', fields: { kind: { type: 'string' } }, sources: { 'crm.contacts': { each: '$.a[*]', fields: { kind: '$.k' } } } },
  });
  assert.match(p['entities.customer.matchOn[1].key']!, /is a field name/);
  assert.match(p['entities.customer.matchOn[1].from.crm.nope']!, /not among the entity's sources; valid: crm\.contacts/);
  assert.match(p['entities.customer.fields.nick.custom']!, /needs custom: \{ module, export \}/);
  assert.match(p['entities.customer.fields.n.strategy']!, /sum needs an integer or decimal field/);
  assert.match(p['entities.customer.removedFields.email']!, /still a field/);
  assert.match(p['entities.address.childKey']!, /needs childKey/);
  assert.match(p['entities.address.parent']!, /unknown entity "nobody"; valid: customer, address/);
});

test('a child stream must also map to its parent; a valid child entity passes', () => {
  const parent = { matchOn: ['email'], fields: { email: { type: 'string' } }, sources: { 'crm.contacts': { fields: { email: '$.email' } } } };
  assert.deepEqual(problems({ customer: parent, address: { parent: 'customer', childKey: ['kind'], fields: { kind: { type: 'string' } }, sources: { 'crm.contacts': { each: '$.a[*]', fields: { kind: '$.k' } } } } }), {});
  const p = problems({ customer: { ...parent, sources: {} }, address: { parent: 'customer', childKey: ['kind'], fields: { kind: { type: 'string' } }, sources: { 'crm.contacts': { fields: { kind: '$.k' } } } } });
  assert.match(p['entities.address.sources.crm.contacts']!, /must also map to its parent "customer"/);
});

test('$parent paths read the parent record only in a child mapping (with each)', () => {
  const parent = { matchOn: ['email'], fields: { email: { type: 'string' } }, sources: { 'crm.contacts': { fields: { email: '$.email' } } } };
  const child = (mapping: Record<string, unknown>) => ({ parent: 'customer', childKey: ['kind'], fields: { kind: { type: 'string' }, owner: { type: 'string' } }, sources: { 'crm.contacts': mapping } });
  assert.deepEqual(problems({ customer: parent, address: child({ each: '$.a[*]', updatedAt: '$parent.updated_at', fields: { kind: '$.k', owner: { template: '{$parent.name} ({k})' } } }) }), {});
  const p = problems({
    customer: { ...parent, fields: { email: { type: 'string' }, name: { type: 'string' } }, sources: { 'crm.contacts': { updatedAt: '$parent.at', fields: { email: '$.email', name: { concat: ['$.first', "$parent['last name']"] } } } } },
    address: child({ fields: { kind: '$.k', owner: '$parent.name' } }),
  });
  assert.match(p['entities.customer.sources.crm.contacts.updatedAt']!, /"\$parent\.at" reads a parent record, which only a child mapping \(with each\) has/);
  assert.match(p['entities.customer.sources.crm.contacts.fields.name']!, /"\$parent\['last name'\]"/);
  assert.match(p['entities.address.sources.crm.contacts.fields.owner']!, /only a child mapping/);
});
