import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config-error.js';
import { loadConfigFile, parseConfig } from './load-config.js';

/** What parsing `raw` throws (undefined when it parses). */
function errorOf(raw: unknown): unknown {
  try {
    parseConfig(raw, 'bad.yaml', {});
    return undefined;
  } catch (e) {
    return e;
  }
}

const demo = fileURLToPath(new URL('../examples/demo/pipeline.yaml', import.meta.url));

test('the demo config is valid', async () => {
  const config = await loadConfigFile(demo, {});
  assert.deepEqual(Object.keys(config.sources), ['crm', 'billing', 'support']);
  assert.equal(config.sources.crm?.type, 'rest');
});

test('problems name the config path and the valid values', () => {
  const bad = {
    version: 1,
    sources: { crm: { type: 'rset', baseUrl: 'http://x' }, b: { type: 'rest', baseUrl: 'http://x', auth: { type: 'api_key', name: 'K', value: 'literal-secret' }, streams: { s: { path: '/a', primaryKey: 'id', extra: 1 } } } },
    entities: {},
    pipelines: {},
  };
  const err = errorOf(bad);
  assert.ok(err instanceof ConfigError);
  const byPath = Object.fromEntries(err.problems.map((p) => [p.path, p.message]));
  assert.match(byPath['sources.crm.type']!, /rest.*graphql/);
  assert.match(byPath['sources.b.auth.value']!, /env:NAME or file:PATH/);
  assert.match(byPath['sources.b.streams.s']!, /unknown key "extra"/);
  assert.ok(!err.message.includes('literal-secret'), 'the rejected secret is not echoed');
});

test('cross references are checked with the valid names', () => {
  assert.throws(
    () => parseConfig({ version: 1, sources: {}, entities: {}, pipelines: { p: { schedule: { every: '5m' }, sources: ['nope'] } } }, 'x', {}),
    (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.path === 'pipelines.p.sources[0]' && /unknown source "nope"/.test(p.message)),
  );
});

test('${VAR} and ${VAR:-default} are filled from the environment; a missing one is a problem', () => {
  const raw = { version: 1, sources: { a: { type: 'rest', baseUrl: '${BASE:-http://localhost:1}', streams: { s: { path: '/x', primaryKey: 'id' } } } }, entities: {}, pipelines: {} };
  assert.equal((parseConfig(raw, 'x', {}).sources.a as { baseUrl: string }).baseUrl, 'http://localhost:1');
  assert.equal((parseConfig(raw, 'x', { BASE: 'http://h:2' }).sources.a as { baseUrl: string }).baseUrl, 'http://h:2');
  const missing = { ...raw, sources: { a: { ...raw.sources.a, baseUrl: '${NOPE}' } } };
  assert.throws(() => parseConfig(missing, 'x', {}), /sources\.a\.baseUrl: environment variable NOPE is not set/);
});

// Defect: six invalid JSONPaths validated with exit 0, then retried at run time for minutes.
test('every JSONPath is checked at validation, with its config path', () => {
  const bad = {
    version: 1,
    sources: {
      api: { type: 'rest', baseUrl: 'http://x', streams: { s: { path: '/a', primaryKey: 'id', recordsPath: '$.data[', pagination: { type: 'cursor', cursorPath: '$.next[' }, incremental: { cursorField: '$.updated at', cursorType: 'timestamp' } } } },
      gql: { type: 'graphql', url: 'http://x/graphql', streams: { items: { query: '{ items { edges { node { id } } } }', connectionPath: 'data.items]', primaryKey: 'id' } } },
    },
    entities: {
      customer: {
        fields: { email: { type: 'string' } },
        matchOn: ['email'],
        sources: { 'api.s': { fields: { email: '$.e mail' }, updatedAt: '$.when(' } },
      },
      address: { parent: 'customer', childKey: ['email'], fields: { email: { type: 'string' } }, sources: { 'api.s': { each: '$.addresses[?]', fields: { email: '$parent.email' } } } },
    },
    pipelines: {},
  };
  const err = errorOf(bad);
  assert.ok(err instanceof ConfigError, String(err));
  const paths = err.problems.map((p) => p.path);
  for (const path of [
    'sources.api.streams.s.recordsPath',
    'sources.api.streams.s.pagination.cursorPath',
    'sources.api.streams.s.incremental.cursorField',
    'sources.gql.streams.items.connectionPath',
    'entities.customer.sources.api.s.fields.email',
    'entities.customer.sources.api.s.updatedAt',
    'entities.address.sources.api.s.each',
  ]) {
    assert.ok(paths.some((p) => p.startsWith(path)), `${path} in ${paths.join(', ')}`);
  }
  assert.ok(err.problems.every((p) => !p.path.includes('$parent')));
  assert.match(err.problems.find((p) => p.path.endsWith('recordsPath'))!.message, /invalid JSONPath "\$\.data\["/);
});
