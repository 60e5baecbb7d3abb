import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFresh } from './token-cache.js';

// Defect: a token living no longer than refreshBeforeSeconds was fetched again for every request.
test('a token is renewed before it expires, at half its lifetime when that is shorter than the margin', () => {
  const issuedAt = 1_000_000;
  const short = { issuedAt, expiresAt: issuedAt + 30_000 };
  assert.equal(isFresh(short, 60_000, issuedAt + 1_000), true);
  assert.equal(isFresh(short, 60_000, issuedAt + 14_999), true);
  assert.equal(isFresh(short, 60_000, issuedAt + 15_000), false);
  const long = { issuedAt, expiresAt: issuedAt + 3_600_000 };
  assert.equal(isFresh(long, 60_000, issuedAt + 3_539_999), true);
  assert.equal(isFresh(long, 60_000, issuedAt + 3_540_000), false);
  assert.equal(isFresh({ expiresAt: issuedAt + 30_000 }, 60_000, issuedAt), false, 'without an issue time the margin applies as configured');
  assert.equal(isFresh({ expiresAt: null }, 60_000, issuedAt), true);
});
