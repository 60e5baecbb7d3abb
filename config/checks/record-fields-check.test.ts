import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ConfigError } from '../config-error.js';
import { parseConfig } from '../load-config.js';

const demo = readFileSync(new URL('../../examples/demo/pipeline.yaml', import.meta.url), 'utf8');

test('a template placeholder or path naming no field the stream declares is a config error with a did-you-mean', () => {
  const typo = demo.replace("name: { template: '{first_name} {last_name}' }", "name: { template: '{frist_name} {last_name}' }");
  assert.notEqual(typo, demo);
  try {
    parseConfig(parse(typo), 'demo', {});
    assert.fail('the typo passed validation');
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.deepEqual(
      err.problems.map((p) => [p.path, p.message]),
      [['entities.customer.sources.crm.contacts.fields.name', '"frist_name" (in "frist_name") is not a field of sources.crm.streams.contacts.recordFields; did you mean "first_name"?']],
    );
  }
  assert.doesNotThrow(() => parseConfig(parse(demo), 'demo', {}));
});
