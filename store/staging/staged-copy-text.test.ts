import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyField, stagedCopyText } from './staged-copy-text.js';

test('copyField escapes what COPY text reads specially, and leaves the rest as it is', () => {
  assert.equal(copyField('{"a":"plain"}'), '{"a":"plain"}');
  assert.equal(copyField('{"path":"C:\\\\x"}'), '{"path":"C:\\\\\\\\x"}');
  assert.equal(copyField('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
});

test('stagedCopyText writes one tab-separated line per record, with its page', () => {
  const at = (minute: number) => new Date(`2026-01-01T00:0${minute}:00Z`);
  const text = stagedCopyText(7, [
    { seq: 3, fetchedAt: at(0), record: { sourceKey: 'k\t1', payloadJson: '{"v":"\\\\"}', hash: 'h' } },
    { seq: 3, fetchedAt: at(0), record: { sourceKey: 'k2', payloadJson: '{}', hash: 'h2' } },
    { seq: 4, fetchedAt: at(1), record: { sourceKey: 'k3', payloadJson: '{}', hash: 'h3' } },
  ]);
  assert.equal(
    text,
    '7\t3\tk\\t1\t{"v":"\\\\\\\\"}\th\t2026-01-01T00:00:00.000Z\n' +
      '7\t3\tk2\t{}\th2\t2026-01-01T00:00:00.000Z\n' +
      '7\t4\tk3\t{}\th3\t2026-01-01T00:01:00.000Z\n',
  );
});
