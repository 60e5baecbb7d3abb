import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProgressRenderer, formatProgressLine } from './progress-bar.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 80, write: (t: string) => chunks.push(t) } };
}

test('a line shows a bar and a percentage when the total is known, a count otherwise', () => {
  assert.equal(formatProgressLine({ label: 'crm.contacts', done: 5, total: 10, note: '1 page' }, 4), 'crm.contacts  [██░░]   50% 5/10  1 page');
  assert.equal(formatProgressLine({ label: 'crm.contacts', done: 5 }), 'crm.contacts  5');
});

test('without a TTY it prints one plain line per change and skips repeats', () => {
  const { chunks, stream } = sink(false);
  const progress = createProgressRenderer(stream);
  progress.update([{ label: 'a', done: 1 }, { label: 'b', done: 2 }]);
  progress.update([{ label: 'a', done: 1 }, { label: 'b', done: 2 }]);
  progress.update([{ label: 'a', done: 3 }, { label: 'b', done: 2 }]);
  assert.deepEqual(chunks, ['a  1 | b  2\n', 'a  3 | b  2\n']);
  assert.ok(!chunks.join('').includes('\x1b'));
});

test('on a TTY it redraws its lines in place', () => {
  const { chunks, stream } = sink(true);
  const progress = createProgressRenderer(stream, { barWidth: 2 });
  progress.update([{ label: 'a', done: 1, total: 2 }]);
  progress.update([{ label: 'a', done: 2, total: 2 }]);
  assert.equal(chunks.length, 2);
  assert.ok(!chunks[0]!.includes('\x1b[1F'));
  assert.ok(chunks[1]!.startsWith('\x1b[1F'));
  assert.ok(chunks[1]!.includes('[██]'));
});
