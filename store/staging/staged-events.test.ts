import assert from 'node:assert/strict';
import { test } from 'node:test';
import { announceStaged, stagedOrTimeout } from './staged-events.js';

const key = { runId: 'r1', source: 'crm', stream: 'companies' };

test('a wait for staged pages ends when the stream announces some, when its time is up, or when aborted', async () => {
  const started = Date.now();
  const woken = stagedOrTimeout(key, 60_000);
  announceStaged({ ...key, stream: 'contacts' });
  announceStaged(key);
  await woken;
  assert.ok(Date.now() - started < 10_000, 'woken by the announcement, not the timeout');

  await stagedOrTimeout(key, 5);

  const aborted = new AbortController();
  const waiting = stagedOrTimeout(key, 60_000, aborted.signal);
  aborted.abort();
  await waiting;
});
