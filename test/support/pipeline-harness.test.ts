import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../config/index.js';
import { startPipelineHarness } from './pipeline-harness.js';

test('a harness whose config is invalid fails at once and leaves nothing running (the test process can exit)', { timeout: 60_000 }, async () => {
  await assert.rejects(startPipelineHarness({ edit: (yaml) => yaml.replace('matchOn: [email]', 'matchOn: [no_such_field]') }), (err: unknown) => err instanceof ConfigError);
});
