import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCell, formatTable } from './format-table.js';

test('aligns columns, right-aligns numbers and shows missing values as -', () => {
  const text = formatTable(
    [
      { source: 'crm', records: 120, at: null },
      { source: 'billing', records: 7, at: new Date('2024-01-02T03:04:05Z') },
    ],
    ['source', 'records', { key: 'at', title: 'LAST' }],
  );
  assert.equal(text, ['SOURCE   RECORDS  LAST', 'crm          120  -', 'billing        7  2024-01-02T03:04:05.000Z'].join('\n'));
});

test('cuts long cells and flattens objects and newlines', () => {
  assert.equal(formatTable([{ e: 'abcdefghij' }], [{ key: 'e', maxWidth: 5 }]).split('\n')[1], 'abcd…');
  assert.equal(formatCell({ a: 1 }), '{"a":1}');
  assert.equal(formatCell('one\n  two'), 'one two');
});

test('an empty table is just its heading', () => {
  assert.equal(formatTable([], ['a', 'b']), 'A  B');
});
