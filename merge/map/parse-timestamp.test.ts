import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimestampFormatError, compileTimestampParser } from './parse-timestamp.js';

test('parses wall-clock times in an IANA zone, summer and winter', () => {
  const berlin = compileTimestampParser('DD/MM/YYYY HH:mm', 'Europe/Berlin');
  assert.equal(berlin('01/07/2026 14:30')?.toISOString(), '2026-07-01T12:30:00.000Z');
  assert.equal(berlin('15/01/2026 14:30')?.toISOString(), '2026-01-15T13:30:00.000Z');
  assert.equal(compileTimestampParser('M/D/YY h:mm A', 'America/New_York')('7/4/26 9:05 PM')?.toISOString(), '2026-07-05T01:05:00.000Z');
  assert.equal(compileTimestampParser('YYYY-MM-DD[T]HH:mm:ss.SSSZ')('2026-03-01T10:00:00.250+02:00')?.toISOString(), '2026-03-01T08:00:00.250Z');
  assert.equal(compileTimestampParser('YYYYMMDD')('20260301')?.toISOString(), '2026-03-01T00:00:00.000Z');
});

test('daylight-saving edges: a skipped time lands after the gap, an ambiguous one takes the earlier instant', () => {
  const berlin = compileTimestampParser('YYYY-MM-DD HH:mm', 'Europe/Berlin');
  assert.equal(berlin('2026-03-29 02:30')?.toISOString(), '2026-03-29T01:30:00.000Z');
  assert.equal(berlin('2026-10-25 02:30')?.toISOString(), '2026-10-25T00:30:00.000Z');
});

test('text that does not fit, or an impossible date, gives undefined; bad formats and zones throw', () => {
  const p = compileTimestampParser('DD/MM/YYYY');
  assert.equal(p('2026-01-01'), undefined);
  assert.equal(p('31/02/2026'), undefined);
  assert.throws(() => compileTimestampParser('DD/MM/YYYY Q'), (e: unknown) => e instanceof TimestampFormatError && /unknown token "Q"/.test(e.message));
  assert.throws(() => compileTimestampParser('YYYY', 'Mars/Olympus'), /unknown time zone "Mars\/Olympus"/);
  assert.throws(() => compileTimestampParser('HH:mm'), /has no year/);
});
