import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { rememberConfigDir } from '../../config/config-origin.js';
import { QuarantineThresholdError } from '../../merge/map/quarantine.js';
import { type MergeFixture, createMergeFixture, mergeConfig } from './merge-fixture.js';

let f: MergeFixture;
before(async () => {
  f = await createMergeFixture();
});
after(async () => {
  await f?.close();
});

const customer = (extra: Record<string, unknown> = {}) => ({
  matchOn: ['email'],
  defaultStrategy: 'latest',
  fields: {
    email: { type: 'string', required: true, strategy: 'first_non_null' },
    name: { type: 'string', strategy: 'priority', priority: ['crm', 'billing'] },
    phone: { type: 'string' },
    status: { type: 'string', strategy: 'latest', nullOverwrites: true },
    signup: { type: 'timestamp', strategy: 'earliest' },
    mrr: { type: 'decimal', strategy: 'max' },
    low: { type: 'integer', strategy: 'min' },
    tickets: { type: 'integer', strategy: 'sum' },
    tags: { type: 'string', array: true, strategy: 'union' },
    nick: { type: 'string', strategy: 'custom', custom: { module: './longest.mjs', export: 'longest' } },
  },
  sources: {
    'crm.contacts': {
      updatedAt: '$.updated',
      fields: {
        email: { path: '$.email', transforms: ['trim', 'lower'] },
        name: { concat: ['$.first', '$.last'] },
        phone: '$.phone',
        status: '$.status',
        signup: { path: '$.since', transforms: [{ parse_timestamp: { format: 'DD/MM/YYYY HH:mm', timezone: 'Europe/Berlin' } }] },
        mrr: '$.mrr',
        low: '$.n',
        tickets: '$.t',
        tags: '$.tags',
        nick: '$.nick',
      },
    },
    'billing.customers': {
      updatedAt: { path: '$.updated', transforms: ['epoch_seconds'] },
      fields: { email: '$.mail', name: '$.name', phone: '$.phone', status: '$.status', mrr: { path: '$.cents', transforms: [{ scale: 0.01 }] }, low: '$.n', tickets: '$.t', tags: '$.labels', nick: '$.nick' },
    },
    ...extra,
  },
});

test('every strategy resolves against real Postgres, with provenance per field; an unchanged rerun writes nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-custom-'));
  await writeFile(join(dir, 'longest.mjs'), 'export const longest = (cs) => cs.reduce((a, b) => (String(b.value).length > String(a.value).length ? b : a));\n');
  const config = mergeConfig({ customer: customer() });
  rememberConfigDir(config, join(dir, 'pipeline.yaml'));
  await f.stage('r1', 'crm.contacts', [
    { id: 'c1', email: ' Ada@Example.com ', first: 'Ada', last: 'Lovelace', phone: '111', status: 'active', since: '01/07/2025 14:30', mrr: '10.50', n: 5, t: 2, tags: ['a', 'b'], nick: 'Ada', updated: '2026-01-02T00:00:00Z' },
  ]);
  await f.stage('r1', 'billing.customers', [
    { id: 9, mail: 'ada@example.com', name: 'A. Lovelace', phone: '222', status: null, cents: 990, n: 3, t: 4, labels: ['b', 'c'], nick: 'Countess', updated: 1767398400 /* 2026-01-03 */ },
  ]);
  const [summary] = await f.merge(config, 'r1');
  assert.equal(summary?.written, 1);
  assert.equal(summary?.quarantined, 0);
  const [row] = await f.rows('customer');
  assert.ok(row);
  assert.equal(row.email, 'ada@example.com');
  assert.equal(row.name, 'Ada Lovelace', 'priority: crm first');
  assert.equal(row.phone, '222', 'latest: billing updated later');
  assert.equal(row.status, null, 'nullOverwrites: the later null wins');
  assert.equal((row.signup as Date).toISOString(), '2025-07-01T12:30:00.000Z', 'parsed in Berlin summer time');
  assert.equal(row.mrr, '10.50', 'max: numeric keeps the source scale');
  assert.equal(row.low, 3);
  assert.equal(row.tickets, 6);
  assert.deepEqual(row.tags, ['a', 'b', 'c']);
  assert.equal(row.nick, 'Countess', 'custom: the longest');
  assert.deepEqual(row._sources, ['billing', 'crm']);
  const prov = row._provenance as Record<string, { source: string; key: string; at: string } | Array<{ source: string }>>;
  assert.deepEqual(prov.name, { source: 'crm', stream: 'contacts', key: 'c1', at: '2026-01-02T00:00:00.000Z' });
  assert.equal((prov.phone as { source: string }).source, 'billing');
  assert.equal((prov.status as { source: string }).source, 'billing');
  assert.equal((prov.nick as { source: string }).source, 'billing');
  assert.equal((prov.tickets as unknown[]).length, 2);

  const seen = await f.db.selectFrom('tributary.entity_last_seen').selectAll().execute();
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.last_run_id, 'r1');

  // The same upstream data again: no contribution changes, no entity row is rewritten, last seen moves on.
  await f.stage('r2', 'crm.contacts', [
    { id: 'c1', email: ' Ada@Example.com ', first: 'Ada', last: 'Lovelace', phone: '111', status: 'active', since: '01/07/2025 14:30', mrr: '10.50', n: 5, t: 2, tags: ['a', 'b'], nick: 'Ada', updated: '2026-01-02T00:00:00Z' },
  ], new Date('2026-02-01T00:00:00Z'));
  const [again] = await f.merge(config, 'r2');
  assert.equal(again?.contributionsChanged, 0);
  assert.equal(again?.written, 0);
  const [same] = await f.rows('customer');
  assert.equal(same?._last_run_id, 'r1');
  const seenAgain = await f.db.selectFrom('tributary.entity_last_seen').selectAll().executeTakeFirstOrThrow();
  assert.equal(seenAgain.last_run_id, 'r2');
  assert.equal(seenAgain.last_seen.toISOString(), '2026-02-01T00:00:00.000Z');
});

test('records that violate the schema are quarantined with reasons and counted per reason; failAbove fails the merge', async () => {
  const config = mergeConfig({ person: { ...customer(), table: 'person', fields: { ...customer().fields, nick: { type: 'string' } } } });
  await f.stage('q1', 'crm.contacts', [
    { id: 'ok', email: 'x@y.z', n: 1 },
    { id: 'noemail', n: 2 },
    { id: 'badint', email: 'b@y.z', n: 'many' },
    { id: 'both', n: 'x' },
  ]);
  const [s] = await f.merge(config, 'q1');
  assert.equal(s?.quarantined, 3);
  assert.deepEqual(s?.quarantineReasons, { 'email: required but missing': 2, 'low: expected an integer': 2 });
  assert.equal(s?.written, 1);
  const q = await f.db.selectFrom('tributary.quarantine').selectAll().where('run_id', '=', 'q1').orderBy('source_key').execute();
  assert.deepEqual(q.map((r) => r.source_key), ['badint', 'both', 'noemail']);
  assert.match(q[0]!.reason, /low: expected an integer, got "many"/);
  assert.deepEqual(q[1]!.reasons, ['low: expected an integer', 'email: required but missing']);

  const strict = mergeConfig({ person: { ...customer(), table: 'person', fields: { ...customer().fields, nick: { type: 'string' } }, quarantine: { failAbove: 0.5 } } });
  await f.stage('q2', 'crm.contacts', [
    { id: 'ok2', email: 'new@y.z', n: 1 },
    { id: 'bad2', n: 'no' },
    { id: 'bad3', n: 'no' },
  ]);
  await assert.rejects(f.merge(strict, 'q2'), (err: unknown) => err instanceof QuarantineThresholdError && /2 of 3 records/.test(err.message) && /failAbove = 0.5/.test(err.message));
  const rows = await f.rows('person');
  assert.ok(!rows.some((r) => r.email === 'new@y.z'), 'nothing of the failed merge was applied');
  const q2 = await f.db.selectFrom('tributary.quarantine').select('source_key').where('run_id', '=', 'q2').orderBy('source_key').execute();
  assert.deepEqual(q2.map((r) => r.source_key), ['bad2', 'bad3'], 'the quarantined records are still recorded');
});

test('a value or external id holding U+0000 (which Postgres cannot store) quarantines its record, kept with U+FFFD; the merge goes on', async () => {
  const base = customer();
  const crm = base.sources['crm.contacts'] as { updatedAt: string; fields: Record<string, unknown> };
  const config = mergeConfig({
    person_nul: {
      ...base,
      matchOn: ['email', { key: 'crm_id', from: { 'crm.contacts': '$.crm_id' } }],
      fields: { ...base.fields, nick: { type: 'string' }, extra: { type: 'json' } },
      sources: { ...base.sources, 'crm.contacts': { ...crm, fields: { ...crm.fields, extra: '$.extra' } } },
    },
  });
  await f.stage('nul1', 'crm.contacts', [
    { id: 'fine', email: 'fine@y.z', first: 'Ada', extra: { a: 'b' } },
    { id: 'in-string', email: 'nul1@y.z', first: 'A\u0000da' },
    { id: 'in-json', email: 'nul2@y.z', extra: { 'k\u0000': ['x\u0000'] } },
    { id: 'in-tags', email: 'nul3@y.z', tags: ['ok', 'n\u0000'] },
    { id: 'in-ext-id', email: 'nul4@y.z', crm_id: 'c\u0000' },
  ]);
  const [s] = await f.merge(config, 'nul1');
  assert.equal(s?.quarantined, 4);
  assert.equal(s?.written, 1);
  const q = await f.db.selectFrom('tributary.quarantine').selectAll().where('run_id', '=', 'nul1').orderBy('source_key').execute();
  assert.deepEqual(q.map((r) => [r.source_key, r.reasons]), [
    ['in-ext-id', ['crm_id: contains a NUL character (\\u0000), which Postgres cannot store']],
    ['in-json', ['extra: contains a NUL character (\\u0000), which Postgres cannot store']],
    ['in-string', ['name: contains a NUL character (\\u0000), which Postgres cannot store']],
    ['in-tags', ['tags: contains a NUL character (\\u0000), which Postgres cannot store']],
  ]);
  assert.equal((q[0]!.payload as { crm_id: string }).crm_id, 'c\uFFFD');
  assert.deepEqual((q[1]!.payload as { extra: unknown }).extra, { 'k\uFFFD': ['x\uFFFD'] });
  assert.equal((q[2]!.payload as { first: string }).first, 'A\uFFFDda');
});
