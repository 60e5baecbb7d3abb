import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMs, scheduleIntervalMs, sourceFreshness } from './freshness.js';

const now = new Date('2024-05-01T12:00:00Z');
const pipelines = {
  p: { schedule: { every: '15m' }, sources: ['crm'] },
  off: { schedule: { every: '15m', paused: true }, sources: ['crm'] },
  nightly: { schedule: { cron: '0 2 * * *' }, sources: ['crm'] },
};
const ago = (ms: number) => new Date(now.getTime() - ms);

test('a stream is stale when its last success is older than two schedule intervals', () => {
  const rows = sourceFreshness(
    pipelines,
    [
      { pipeline: 'p', source: 'crm', stream: 'fresh', lastSuccessAt: ago(29 * 60_000) },
      { pipeline: 'p', source: 'crm', stream: 'old', lastSuccessAt: ago(31 * 60_000), lastFailureAt: ago(60_000), lastError: 'HTTP 503 from crm' },
    ],
    { now },
  );
  const [fresh, old] = rows;
  assert.equal(fresh!.stale, false);
  assert.equal(fresh!.reason, null);
  assert.equal(old!.stale, true);
  assert.equal(old!.staleAfterMs, 30 * 60_000);
  assert.match(old!.reason!, /last success 31m ago, more than 2 × 15m schedule interval; last error: HTTP 503 from crm/);
});

test('never succeeded is stale once the pipeline has run for longer than the rule allows; paused pipelines never are', () => {
  const rows = sourceFreshness(
    pipelines,
    [
      { pipeline: 'p', source: 'crm', stream: 'a' },
      { pipeline: 'off', source: 'crm', stream: 'b', lastSuccessAt: ago(86_400_000) },
    ],
    { now, since: { p: ago(3_600_000) } },
  );
  assert.equal(rows.find((r) => r.stream === 'a')!.stale, true);
  assert.match(rows.find((r) => r.stream === 'a')!.reason!, /never fetched successfully/);
  assert.equal(rows.find((r) => r.stream === 'b')!.stale, false);
  assert.equal(sourceFreshness(pipelines, [{ pipeline: 'p', source: 'crm', stream: 'a' }], { now, since: { p: ago(60_000) } })[0]!.stale, false);
});

test('cron intervals are the gap between the last two fires; the factor is configurable', () => {
  assert.equal(scheduleIntervalMs(pipelines.nightly.schedule, now), 86_400_000);
  const [row] = sourceFreshness(pipelines, [{ pipeline: 'nightly', source: 'crm', stream: 's', lastSuccessAt: ago(30 * 3_600_000) }], { now, staleAfterIntervals: 1 });
  assert.equal(row!.stale, true);
  assert.equal(formatMs(90_000), '1m30s');
});
