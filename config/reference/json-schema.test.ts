import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configJsonSchema } from './json-schema.js';

test('the JSON Schema for editors is generated from the zod schemas, with descriptions and every auth and pagination type', () => {
  const text = JSON.stringify(configJsonSchema());
  for (const type of ['oauth2_refresh_token', 'session', 'api_key', 'basic', 'auto', 'link_header', 'next_url']) {
    assert.ok(text.includes(`"const":"${type}"`), `schema lists ${type}`);
  }
  assert.match(text, /JSONPath to the next cursor/);
  assert.match(text, /"additionalProperties":false/);
});
