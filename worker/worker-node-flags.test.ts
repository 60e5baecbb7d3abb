import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_WORKER_NODE_FLAGS, workerEnvAdditions, workerNodeFlags } from './worker-node-flags.js';

test('worker node flags: the defaults, unless the process already has them', () => {
  assert.deepEqual(workerNodeFlags({}, []), DEFAULT_WORKER_NODE_FLAGS);
  assert.deepEqual(workerNodeFlags({}, ['--max_old_space_size=2048']), ['--max-semi-space-size=16']);
  assert.deepEqual(workerNodeFlags({ NODE_OPTIONS: '--max-semi-space-size=16 --max-old-space-size=1024' }), []);
});

test('worker node flags: TRIBUTARY_WORKER_NODE_FLAGS replaces them; empty means Node defaults', () => {
  assert.deepEqual(workerNodeFlags({ TRIBUTARY_WORKER_NODE_FLAGS: ' --max-old-space-size=1024  ' }, []), ['--max-old-space-size=1024']);
  assert.deepEqual(workerNodeFlags({ TRIBUTARY_WORKER_NODE_FLAGS: '' }, []), []);
});

test('worker environment: MALLOC_ARENA_MAX unless the environment sets it', () => {
  assert.deepEqual(workerEnvAdditions({}), { MALLOC_ARENA_MAX: '2' });
  assert.deepEqual(workerEnvAdditions({ MALLOC_ARENA_MAX: '8' }), {});
  assert.deepEqual(workerEnvAdditions({ MALLOC_ARENA_MAX: '' }), {});
});
