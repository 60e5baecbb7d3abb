import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from './load-config.js';

// The README's config examples are what newcomers copy: they must parse and validate.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

test("the README's source and entity examples are valid config", () => {
  const sources = parse(blocks.find((b) => b.includes('sideload:'))!) as { sources: Record<string, unknown> };
  const entities = parse(blocks.find((b) => b.includes('customer_address:'))!) as { entities: unknown; retention: unknown };
  const stub = (streams: string[]) => ({ type: 'rest', baseUrl: 'http://127.0.0.1:1', streams: Object.fromEntries(streams.map((s) => [s, { path: `/${s}`, primaryKey: 'id' }])) });
  const config = { version: 1, sources: { ...sources.sources, crm: stub(['contacts']), billing: stub(['customers', 'deleted']) }, entities: entities.entities, retention: entities.retention, pipelines: {} };
  assert.doesNotThrow(() => parseConfig(config, 'README.md', { ZENDESK_TOKEN: 'x' }));
});
