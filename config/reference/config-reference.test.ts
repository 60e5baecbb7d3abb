import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { REFERENCE_EXAMPLES, renderConfigReference } from './config-reference.js';
import { parseConfig } from '../load-config.js';

test('docs/config-reference.md is current (regenerate with npm run schema)', () => {
  const onDisk = readFileSync(new URL('../../docs/config-reference.md', import.meta.url), 'utf8');
  assert.ok(onDisk === renderConfigReference(), 'docs/config-reference.md differs from the zod schemas: run npm run schema');
});

test('every auth and pagination type has a worked example, and each example is valid config', () => {
  const env = { CRM_API_KEY: 'k', GITHUB_TOKEN: 't', BILLING_CLIENT_ID: 'i', BILLING_CLIENT_SECRET: 's', KEY: 'k', CLIENT_ID: 'i', CLIENT_SECRET: 's', REFRESH_TOKEN: 'r', API_PASSWORD: 'p' };
  const authTypes = ['none', 'api_key', 'bearer', 'basic', 'oauth2_client_credentials', 'headers', 'oauth2_refresh_token', 'session'];
  const pagingTypes = ['single', 'page_number', 'offset', 'cursor', 'next_url', 'link_header', 'auto'];
  assert.deepEqual(REFERENCE_EXAMPLES.filter((e) => e.kind === 'auth').map((e) => e.type).sort(), [...authTypes].sort());
  assert.deepEqual(REFERENCE_EXAMPLES.filter((e) => e.kind === 'pagination').map((e) => e.type).sort(), [...pagingTypes].sort());
  for (const example of REFERENCE_EXAMPLES) {
    const part = parse(example.yaml) as Record<string, unknown>;
    const stream = { path: '/items', primaryKey: '$.id', ...(example.kind === 'pagination' ? part : {}) };
    const source = { type: 'rest', baseUrl: 'https://api.example.com', ...(example.kind === 'auth' ? part : {}), streams: { items: stream } };
    assert.doesNotThrow(() => parseConfig({ version: 1, sources: { api: source }, entities: {}, pipelines: {} }, `${example.kind} ${example.type}`, env), `${example.kind} ${example.type}`);
  }
});
