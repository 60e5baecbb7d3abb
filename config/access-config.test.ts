import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import { parseConfig } from './load-config.js';

const demo = parse(readFileSync(fileURLToPath(new URL('../examples/demo/pipeline.yaml', import.meta.url)), 'utf8')) as Record<string, unknown>;

function problems(extra: Record<string, unknown>): Record<string, string> {
  try {
    parseConfig({ ...demo, ...extra }, 'x.yaml', {});
    return {};
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return Object.fromEntries(err.problems.map((p) => [p.path, p.message]));
  }
}

test('access tokens are secret references with entity scopes checked against the config', () => {
  assert.deepEqual(problems({ access: { tokens: [{ name: 'ops', token: 'env:OPS_TOKEN', scopes: ['*', 'customer:read', 'runs:read'] }] } }), {});
  const p = problems({ access: { tokens: [{ name: 'ops', token: 'plain-secret', scopes: ['order:read', 'write'] }] } });
  assert.match(p['access.tokens[0].token']!, /env:NAME or file:PATH/);
  assert.match(p['access.tokens[0].scopes[1]']!, /<entity>:read/);
  const q = problems({ access: { tokens: [{ name: 'ops', token: 'env:T', scopes: ['order:read'] }] } });
  assert.match(q['access.tokens[0].scopes[0]']!, /unknown entity "order"; valid: .*customer:read/);
});

test('an access section without tokens must say auth: none', () => {
  assert.match(problems({ access: {} })['access.tokens']!, /auth: none/);
  assert.deepEqual(problems({ access: { auth: 'none' } }), {});
});

test('alerts need a webhook or a command and a valid interval', () => {
  assert.match(problems({ alerts: {} })['alerts']!, /webhook, a command/);
  assert.match(problems({ alerts: { command: { argv: ['true'] }, repeatAfter: 'soon' } })['alerts.repeatAfter']!, /duration/);
  assert.deepEqual(problems({ alerts: { webhook: { url: 'env:HOOK' }, on: ['run_failed', 'source_stale'] } }), {});
});
