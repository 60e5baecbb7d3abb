import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CronError, parseCron } from './cron.js';
import { windowEndingAt, windowsBetween } from './schedule-window.js';

test('previous and next fire of simple expressions in UTC', () => {
  const hourly = parseCron('0 * * * *');
  assert.equal(hourly.previous(new Date('2026-03-03T05:30:00Z'))?.toISOString(), '2026-03-03T05:00:00.000Z');
  assert.equal(hourly.previous(new Date('2026-03-03T05:00:00Z'))?.toISOString(), '2026-03-03T04:00:00.000Z', 'strictly before');
  assert.equal(hourly.next(new Date('2026-03-03T05:00:00Z'))?.toISOString(), '2026-03-03T06:00:00.000Z', 'strictly after');
  assert.equal(parseCron('*/15 * * * *').previous(new Date('2026-03-03T05:31:10Z'))?.toISOString(), '2026-03-03T05:30:00.000Z');
  assert.equal(parseCron('@monthly').previous(new Date('2026-03-03T00:00:00Z'))?.toISOString(), '2026-03-01T00:00:00.000Z');
});

test('weekdays, names and a time zone with daylight saving', () => {
  const cron = parseCron('0 6 * * mon-fri', 'Europe/Berlin');
  // Monday 2026-03-02 06:00 Berlin is 05:00 UTC (CET, +1).
  assert.equal(cron.previous(new Date('2026-03-03T05:00:00Z'))?.toISOString(), '2026-03-02T05:00:00.000Z');
  // Saturday and Sunday are skipped.
  assert.equal(cron.next(new Date('2026-03-06T06:00:00Z'))?.toISOString(), '2026-03-09T05:00:00.000Z');
  // After the switch to CEST (+2) on 2026-03-29, 06:00 Berlin is 04:00 UTC.
  assert.equal(cron.next(new Date('2026-03-29T12:00:00Z'))?.toISOString(), '2026-03-30T04:00:00.000Z');
});

test('day of month and day of week together match either (as in Vixie cron)', () => {
  const cron = parseCron('0 0 13 * fri');
  // 2026-02-06 is a Friday, 2026-02-13 is the 13th (and a Friday).
  assert.equal(cron.next(new Date('2026-02-01T00:00:00Z'))?.toISOString(), '2026-02-06T00:00:00.000Z');
  assert.equal(cron.next(new Date('2026-02-21T00:00:00Z'))?.toISOString(), '2026-02-27T00:00:00.000Z');
});

test('bad expressions and zones are rejected with the field named', () => {
  assert.throws(() => parseCron('0 * * *'), (e: unknown) => e instanceof CronError && /5 fields/.test(e.message));
  assert.throws(() => parseCron('61 * * * *'), /minute "61" is out of range 0-59/);
  assert.throws(() => parseCron('0 * * foo *'), /month "foo"/);
  assert.throws(() => parseCron('0 * * * *', 'Mars/Olympus'), /unknown time zone "Mars\/Olympus"/);
});

test('no fire lies between previous(t) and next(t) except t itself (property)', () => {
  const cron = parseCron('*/7 3-20 * * 1-5', 'America/New_York');
  fc.assert(
    fc.property(fc.date({ min: new Date('2024-01-01'), max: new Date('2028-01-01'), noInvalidDate: true }), (t) => {
      const p = cron.previous(t)!;
      const n = cron.next(t)!;
      assert.ok(p < t && n > t);
      // p is the latest fire before t and n the earliest after: no fire lies strictly between them but t.
      assert.ok(cron.next(p)!.getTime() >= t.getTime());
      assert.ok(cron.previous(n)!.getTime() <= t.getTime());
    }),
    { numRuns: 50 },
  );
});

test('a window reaches back one interval, or to the previous cron fire', () => {
  assert.deepEqual(windowEndingAt({ every: '15m' }, new Date('2026-03-03T05:30:00Z')), { start: '2026-03-03T05:15:00.000Z', end: '2026-03-03T05:30:00.000Z' });
  assert.deepEqual(windowEndingAt({ cron: '0 6 * * *', timezone: 'UTC' }, new Date('2026-03-03T06:00:00Z')), { start: '2026-03-02T06:00:00.000Z', end: '2026-03-03T06:00:00.000Z' });
});

test('backfill windows tile the range without gaps or overlaps (property)', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date('2025-01-01'), max: new Date('2026-01-01'), noInvalidDate: true }), fc.integer({ min: 1, max: 200 }), (from, hours) => {
      const to = new Date(from.getTime() + hours * 3_600_000);
      for (const schedule of [{ every: '1h' }, { cron: '30 * * * *', timezone: 'UTC' }]) {
        const windows = windowsBetween(schedule, from, to);
        assert.ok(windows.length >= hours - 1 && windows.length <= hours);
        for (let i = 1; i < windows.length; i++) assert.equal(windows[i]!.start, windows[i - 1]!.end);
        for (const w of windows) assert.ok(new Date(w.end) > from && new Date(w.end) <= to);
        assert.deepEqual(windows, windowsBetween(schedule, from, to), 'deterministic');
      }
    }),
    { numRuns: 30 },
  );
  assert.throws(() => windowsBetween({ every: '1m' }, new Date(0), new Date(10 ** 12), { max: 100 }), /more than 100 windows/);
  assert.deepEqual(windowsBetween({ every: '1d' }, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T03:00:00Z'), { stepMs: 3_600_000 }).map((w) => w.end.slice(11, 13)), ['01', '02', '03']);
});
