import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from './config-error.js';
import { parseConfig } from './load-config.js';

const withSchedule = (schedule: unknown) => ({
  version: 1,
  sources: { a: { type: 'rest', baseUrl: 'http://localhost:1', streams: { s: { path: '/x', primaryKey: 'id' } } } },
  entities: {},
  pipelines: { p: { schedule, sources: ['a'] } },
});

const problems = (schedule: unknown) => {
  try {
    parseConfig(withSchedule(schedule), 'x', {});
    return {};
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return Object.fromEntries(e.problems.map((p) => [p.path, p.message]));
  }
};

test('schedules default to skipping overlaps with a 10 minute catch-up window', () => {
  const s = parseConfig(withSchedule({ every: '15m' }), 'x', {}).pipelines.p!.schedule;
  assert.equal(s.overlap, 'skip');
  assert.equal(s.catchupWindow, '10m');
  assert.equal(s.paused, false);
});

test('bad schedules name the field and the valid values', () => {
  assert.match(problems({ every: '15m', overlap: 'queue' })['pipelines.p.schedule.overlap']!, /"skip", "buffer_one", "buffer_all", "cancel_other", "terminate_other", "allow_all"/);
  assert.match(problems({ cron: '0 25 * * *' })['pipelines.p.schedule.cron']!, /hour "25" is out of range 0-23/);
  assert.match(problems({ cron: '0 6 * * *', timezone: 'Nowhere/City' })['pipelines.p.schedule.timezone']!, /unknown time zone/);
  assert.match(problems({ every: '5m', cron: '* * * * *' })['pipelines.p.schedule']!, /exactly one of every or cron/);
  assert.match(problems({ every: '5m', catchupWindow: 'soon' })['pipelines.p.schedule.catchupWindow']!, /duration/);
});
