import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { installQuietRuntime } from '../client/runtime-logging.js';

const historiesDir = new URL('./histories/', import.meta.url);

/**
 * Replays recorded histories of the main workflows against the current workflow code, so a
 * change that would break runs in flight (non-determinism) fails here. Re-record them with
 * `UPDATE_HISTORIES=1 npm test -- test/pipeline.e2e.test.ts` after an intended, versioned change.
 */
test('recorded workflow histories replay without non-determinism', { timeout: 120_000 }, async () => {
  installQuietRuntime();
  const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.length >= 2, 'histories of syncPipeline and syncStream are committed');
  const histories = await Promise.all(
    files.map(async (f) => {
      const recorded = JSON.parse(await readFile(new URL(f, historiesDir), 'utf8')) as { workflowId: string; history: unknown };
      return { workflowId: recorded.workflowId, history: historyFromJSON(recorded.history) };
    }),
  );
  const results = Worker.runReplayHistories({ workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)) }, histories);
  let replayed = 0;
  for await (const result of results) {
    assert.equal(result.error, undefined, `${result.workflowId}: ${result.error?.message}`);
    replayed++;
  }
  assert.equal(replayed, files.length);
});
