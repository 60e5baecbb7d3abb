import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entitySchema } from '../../config/entities/entity-config.js';
import type { SourceRecordView } from '../lineage-query.js';
import { explainFields } from './field-explanation.js';

const entity = entitySchema.parse({
  matchOn: ['email'],
  defaultStrategy: 'latest',
  fields: { email: { type: 'string' }, name: { type: 'string', strategy: 'priority', priority: ['crm', 'billing'] }, tags: { type: 'string', array: true, strategy: 'union' } },
  sources: { 'crm.contacts': { fields: { email: '$.email', name: '$.name', tags: '$.tags' } }, 'billing.customers': { fields: { email: '$.email', name: '$.name' } } },
});

const record = (source: string, stream: string, key: string, values: Record<string, unknown>, deleted = false): SourceRecordView => ({
  source,
  stream,
  source_key: key,
  values,
  source_updated_at: new Date('2026-01-02T00:00:00Z'),
  fetched_at: new Date('2026-01-03T00:00:00Z'),
  run_id: 'r1',
  deleted_at: deleted ? new Date('2026-01-04T00:00:00Z') : null,
  raw: {},
  raw_fetched_at: null,
});

test('every mapping record is a candidate; the provenance marks the winner(s); withdrawn records never win', () => {
  const row = {
    email: 'a@x',
    name: 'Ada',
    tags: ['a', 'b'],
    _provenance: {
      email: { source: 'billing', stream: 'customers', key: 'b1', at: '2026-01-02T00:00:00.000Z' },
      name: { source: 'crm', stream: 'contacts', key: 'c1', at: '2026-01-02T00:00:00.000Z' },
      tags: [{ source: 'crm', stream: 'contacts', key: 'c1', at: '2026-01-02T00:00:00.000Z' }],
    },
  };
  const records = [record('billing', 'customers', 'b1', { email: 'a@x', name: 'Ada B' }), record('crm', 'contacts', 'c1', { email: 'a@x', name: 'Ada', tags: ['a', 'b'] }), record('crm', 'contacts', 'c0', { name: 'Old' }, true)];
  const [email, name, tags] = explainFields(entity, row, records);
  assert.equal(email!.strategy, 'latest');
  assert.deepEqual(email!.candidates.map((c) => [c.key, c.winner]), [['b1', true], ['c1', false]]);
  assert.equal(name!.rule, 'the value of the most trusted source wins, in the order crm, billing; sources not listed come last; nulls never overwrite a value');
  assert.deepEqual(name!.candidates.map((c) => [c.key, c.winner, c.withdrawn]), [['c1', true, false], ['b1', false, false], ['c0', false, true]]);
  assert.equal(name!.candidates[0]!.at, '2026-01-02T00:00:00.000Z');
  assert.deepEqual(tags!.candidates.map((c) => c.key), ['c1'], 'billing does not map tags');
  assert.equal(tags!.rule, 'the distinct values of every source are combined');
});
