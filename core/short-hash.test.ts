import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { shortSha256 } from './short-hash.js';

test('shortSha256: the first 32 hex characters of the UTF-8 SHA-256, as earlier hashes were computed', () => {
  for (const text of ['', 'abc', '{"name":"Zoë","tags":["a\\\\b"]}', 'x'.repeat(10_000)]) {
    assert.equal(shortSha256(text), createHash('sha256').update(text).digest('hex').slice(0, 32));
  }
});
