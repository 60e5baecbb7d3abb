import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyField, stagedCopyText } from './staged-copy-text.js';

test('copyField escapes what COPY text reads specially, and leaves the rest as it is', () => {
  assert.equal(copyField('{"a":"plain"}'), '{"a":"plain"}');
  assert.equal(copyField('{"path":"C:\\\\x"}'), '{"path":"C:\\\\\\\\x"}');
  assert.equal(copyField('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
});

test('stagedCopyText writes one tab-separated line per record', () => {
  const text = stagedCopyText({ runId: 'r', source: 's', stream: 't' }, 3, new Date('2026-01-01T00:00:00Z'), [
    { sourceKey: 'k\t1', payloadJson: '{"v":"\\\\"}', hash: 'h' },
  ]);
  assert.equal(text, 'r\ts\tt\t3\tk\\t1\t{"v":"\\\\\\\\"}\th\t2026-01-01T00:00:00.000Z\n');
});
