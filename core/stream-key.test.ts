import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStreamKey, streamKey } from './stream-key.js';

test('a stream key names source and stream, and splits back', () => {
  assert.equal(streamKey({ source: 'crm', stream: 'contacts' }), 'crm.contacts');
  assert.deepEqual(parseStreamKey('crm.contacts'), { source: 'crm', stream: 'contacts' });
  assert.deepEqual(parseStreamKey(streamKey({ source: 'billing', stream: 'customers' })), { source: 'billing', stream: 'customers' });
});
