import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createAccessApp } from '../../access/index.js';
import { syncPipeline } from '../../workflows/index.js';
import { type PipelineHarness, startPipelineHarness } from '../support/pipeline-harness.js';

// The issue's "done when", end to end: one entity merged from three REST sources by the real
// pipeline workflow, every strategy on one field, each value and its provenance read back
// through the access API; an unchanged rerun writes nothing; one upstream change rewrites one row.

type Row = Record<string, unknown>;

/** What the three upstream APIs serve; tests edit it between runs. */
const upstream: Record<'crm' | 'billing' | 'support', Row[]> = {
  crm: [
    { id: 'c-1', email: ' Ada@X.io ', name: 'Ada Lovelace', phone: '111', plan: 'free', nickname: null, ltv: '100.50', first_order: '2024-03-01T00:00:00Z', tags: ['vip'], tickets: 2, tier: 'gold', updated: '2026-01-02T00:00:00Z' },
    { id: 'c-2', email: 'bob@x.io', name: 'Bob Byte', phone: '444', plan: 'team', nickname: null, ltv: '10', first_order: '2025-05-05T00:00:00Z', tags: [], tickets: 1, tier: 'tin', updated: '2026-01-03T00:00:00Z' },
  ],
  billing: [
    { id: 'b-1', email: 'ada@x.io', name: 'A. Lovelace', phone: '222', plan: 'pro', nickname: 'ada', ltv: '250.25', first_order: '2023-06-15T00:00:00Z', tags: ['paying', 'vip'], tickets: 3, tier: 'silver', updated: '2026-01-05T00:00:00Z' },
    { id: 'b-2', email: 'BOB@x.io', name: 'Robert Byte', phone: '555', plan: 'pro', nickname: 'bobby', ltv: '20', first_order: '2025-04-04T00:00:00Z', tags: ['paying'], tickets: 0, tier: 'bronze', updated: '2026-01-01T00:00:00Z' },
  ],
  support: [
    { id: 's-1', email: 'ada@x.io', name: 'Ada L', phone: '333', plan: 'basic', nickname: 'countess', ltv: '80', first_order: '2025-01-01T00:00:00Z', tags: ['support'], tickets: 4, tier: 'platinum', updated: '2026-01-09T00:00:00Z' },
  ],
};

/** Field -> strategy; each source maps every field from the same-named record property. */
const fields = {
  email: "{ type: string, required: true, strategy: first_non_null, doc: 'Match key.' }",
  name: '{ type: string, strategy: priority, priority: [crm, billing, support] }',
  phone: '{ type: string, strategy: latest }',
  plan: '{ type: string, strategy: earliest }',
  nickname: '{ type: string, strategy: first_non_null }',
  ltv: '{ type: decimal, strategy: max }',
  first_order: '{ type: timestamp, strategy: min }',
  tags: '{ type: string, array: true, strategy: union }',
  tickets: '{ type: integer, strategy: sum }',
  tier: '{ type: string, strategy: custom, custom: { module: ./strategies.mjs, export: longest } }',
};

const mapping = (source: string) =>
  `      ${source}.people:\n        updatedAt: $.updated\n        fields:\n          email: { path: $.email, transforms: [trim, lower] }\n` +
  Object.keys(fields)
    .filter((f) => f !== 'email')
    .map((f) => `          ${f}: $.${f}${f === 'tags' ? '[*]' : ''}\n`)
    .join('');

const configYaml = (baseUrl: string) => `version: 1
sources:
${['crm', 'billing', 'support'].map((s) => `  ${s}:\n    type: rest\n    baseUrl: ${baseUrl}\n    streams:\n      people: { path: /${s}/people, recordsPath: $.data, primaryKey: id }\n`).join('')}
entities:
  person:
    matchOn: [email]
    fields:
${Object.entries(fields).map(([f, def]) => `      ${f}: ${def}\n`).join('')}    sources:
${['crm', 'billing', 'support'].map(mapping).join('')}
pipelines:
  people: { schedule: { every: 1h }, sources: [crm, billing, support] }
`;

let server: Server;
let dir: string;
let h: PipelineHarness;
let app: ReturnType<typeof createAccessApp>;

before(async () => {
  server = createServer((req, res) => {
    const source = /^\/(crm|billing|support)\/people(?:\?|$)/.exec(req.url ?? '')?.[1] as keyof typeof upstream | undefined;
    res.setHeader('content-type', 'application/json');
    if (!source) {
      res.statusCode = 404;
      res.end('{"error":"not found"}');
      return;
    }
    res.end(JSON.stringify({ data: upstream[source] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  dir = await mkdtemp(join(tmpdir(), 'tributary-strategies-'));
  // The custom strategy: the longest value wins (ties: the first candidate, in the fixed order).
  await writeFile(join(dir, 'strategies.mjs'), 'export const longest = (cs) => cs.reduce((a, b) => (String(b.value).length > String(a.value).length ? b : a));\n');
  await writeFile(join(dir, 'pipeline.yaml'), configYaml(`http://127.0.0.1:${port}`));
  h = await startPipelineHarness({ configPath: join(dir, 'pipeline.yaml') });
  app = createAccessApp({ db: h.db, config: h.config });
});
after(async () => {
  await h?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const runPipeline = (workflowId: string) =>
  h.client.workflow.execute(syncPipeline, { workflowId, taskQueue: h.taskQueue, args: [{ pipeline: 'people', windowEnd: '2026-10-01T00:00:00Z' }] });

const getJson = async (path: string): Promise<Row> => {
  const res = await app.request(path);
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as Row;
};

/** The person's key, found by filtering on the match key through the list endpoint. */
const keyOf = async (email: string): Promise<string> => {
  const page = (await getJson(`/v1/entities/person?email=eq.${encodeURIComponent(email)}`)) as { data: Row[] };
  assert.equal(page.data.length, 1, `one person with ${email}`);
  return page.data[0]!._key as string;
};

type Origin = { source: string; stream: string; key: string; at: string };
const origin = (source: string, key: string, at: string): Origin => ({ source, stream: 'people', key, at: new Date(at).toISOString() });
const [c1, b1, s1] = [origin('crm', 'c-1', '2026-01-02T00:00:00Z'), origin('billing', 'b-1', '2026-01-05T00:00:00Z'), origin('support', 's-1', '2026-01-09T00:00:00Z')];

test('every strategy resolves a field from three sources; the read API shows each value and the record that supplied it', { timeout: 120_000 }, async () => {
  const summary = await runPipeline('strategies-1');
  assert.ok(summary.streams.length === 3 && summary.streams.every((s) => s.status === 'succeeded'), JSON.stringify(summary.streams));
  const person = summary.entities.find((e) => e.entity === 'person');
  assert.equal(person?.written, 2, 'Ada (three sources) and Bob (two)');
  assert.equal(person?.quarantined, 0);

  const key = await keyOf('ada@x.io');
  const expected: Record<string, { value: unknown; from: Origin | Origin[] }> = {
    email: { value: 'ada@x.io', from: c1 }, // first_non_null: all equal once normalized; crm is mapped first
    name: { value: 'Ada Lovelace', from: c1 }, // priority: crm first
    phone: { value: '333', from: s1 }, // latest updated
    plan: { value: 'free', from: c1 }, // earliest updated
    nickname: { value: 'ada', from: b1 }, // first_non_null: crm has none, billing is next
    ltv: { value: '250.25', from: b1 }, // max
    first_order: { value: '2023-06-15T00:00:00.000Z', from: b1 }, // min
    tags: { value: ['paying', 'support', 'vip'], from: [b1, c1, s1] }, // union, de-duplicated; every record
    tickets: { value: 9, from: [b1, c1, s1] }, // sum of 2 + 3 + 4
    tier: { value: 'platinum', from: s1 }, // custom: the longest
  };

  const row = await getJson(`/v1/entities/person/${encodeURIComponent(key)}`);
  const provenance = await getJson(`/v1/entities/person/${encodeURIComponent(key)}/provenance`);
  assert.equal(provenance.key, key);
  const perField = provenance.fields as Record<string, { value: unknown; from: unknown }>;
  for (const [field, want] of Object.entries(expected)) {
    const value = field === 'ltv' ? String(Number(row[field])) : row[field];
    assert.deepEqual(value, want.value, `${field}: value`);
    assert.deepEqual((row._provenance as Row)[field], want.from, `${field}: provenance on the row`);
    assert.deepEqual(field === 'ltv' ? String(Number(perField[field]?.value)) : perField[field]?.value, want.value, `${field}: value in /provenance`);
    assert.deepEqual(perField[field]?.from, want.from, `${field}: /provenance`);
  }
  assert.deepEqual(row._sources, ['billing', 'crm', 'support']);
  assert.equal(row._last_run_id, 'strategies-1');

  // Lineage: the three source records behind the entity, with their raw payloads.
  const sources = (await getJson(`/v1/entities/person/${encodeURIComponent(key)}/sources`)) as { data: Array<{ source: string; source_key: string; raw: Row | null }> };
  assert.deepEqual(sources.data.map((s) => [s.source, s.source_key, s.raw?.id]), [
    ['billing', 'b-1', 'b-1'],
    ['crm', 'c-1', 'c-1'],
    ['support', 's-1', 's-1'],
  ]);

  // Bob, from two sources: the same strategies over the records there are.
  const bob = await getJson(`/v1/entities/person/${encodeURIComponent(await keyOf('bob@x.io'))}`);
  assert.deepEqual([bob.name, bob.phone, bob.nickname, bob.tickets, bob.tags, bob.tier, bob._sources], ['Bob Byte', '444', 'bobby', 1, ['paying'], 'bronze', ['billing', 'crm']]);
});

test('a rerun over unchanged upstream data writes zero rows', { timeout: 120_000 }, async () => {
  const before = await h.db.selectFrom('unified.person' as never).selectAll().execute();
  const summary = await runPipeline('strategies-2');
  const person = summary.entities.find((e) => e.entity === 'person');
  assert.equal(person?.contributionsChanged, 0);
  assert.equal(person?.written, 0);
  const afterRows = await h.db.selectFrom('unified.person' as never).selectAll().execute();
  assert.deepEqual(afterRows, before, 'no row touched: same hash, _last_run_id and _last_changed');
});

test('one changed upstream record rewrites exactly its entity, with the new value and provenance', { timeout: 120_000 }, async () => {
  const adaKey = await keyOf('ada@x.io');
  const bobKey = await keyOf('bob@x.io');
  const adaBefore = await getJson(`/v1/entities/person/${encodeURIComponent(adaKey)}`);
  // Billing's Bob is now the newest record with a new phone: `latest` moves to it.
  Object.assign(upstream.billing[1]!, { phone: '999', updated: '2026-02-01T00:00:00Z' });
  const summary = await runPipeline('strategies-3');
  const person = summary.entities.find((e) => e.entity === 'person');
  assert.equal(person?.contributionsChanged, 1);
  assert.equal(person?.written, 1);

  const bob = await getJson(`/v1/entities/person/${encodeURIComponent(bobKey)}/provenance`);
  const bobFields = bob.fields as Record<string, { value: unknown; from: unknown }>;
  assert.deepEqual(bobFields.phone, { value: '999', from: origin('billing', 'b-2', '2026-02-01T00:00:00Z') });
  const bobRow = await getJson(`/v1/entities/person/${encodeURIComponent(bobKey)}`);
  assert.equal(bobRow._last_run_id, 'strategies-3');
  assert.deepEqual(await getJson(`/v1/entities/person/${encodeURIComponent(adaKey)}`), adaBefore, 'Ada untouched');
});
