import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseJsonExact } from '../../core/exact-json.js';
import { sliceRecords } from './slice-records.js';

test('slices each record as sent: whitespace, escapes, number forms and ids above 2^53 kept', () => {
  const body = '{ "meta": {"n": 2}, "data" : [ {"id": 1780000018563990152, "name": "caf\\u00e9 \\"x\\""} ,{"id":2,"v":1.0} ], "data2": [] }';
  assert.deepEqual(sliceRecords(body, '$.data'), ['{"id": 1780000018563990152, "name": "caf\\u00e9 \\"x\\""}', '{"id":2,"v":1.0}']);
  assert.deepEqual(sliceRecords(body, "$['data2']"), []);
  assert.deepEqual(sliceRecords(body, '$.meta'), ['{"n": 2}']);
  assert.deepEqual(sliceRecords(' [1, "a]", {"b": [2]}] ', '$'), ['1', '"a]"', '{"b": [2]}']);
  assert.deepEqual(sliceRecords('{"a":[{"x":[1]},{"x":[2,3]}]}', '$.a[-1].x'), ['2', '3']);
  assert.deepEqual(sliceRecords('{"d":[1],"d":[2]}', '$.d'), ['2'], 'the last duplicate key, as JSON.parse');
  assert.deepEqual(sliceRecords('{"a":[1, [2] ]}', '$.a[*]'), ['1', '[2]']);
  assert.deepEqual(sliceRecords('{"c":{"edges":[{"cursor":"x","node":{"id":1}}, {"node":null},{"node" : {"id":2} }]}}', '$.c.edges[*].node'), ['{"id":1}', 'null', '{"id":2}']);
  assert.deepEqual(sliceRecords('{"*":[3]}', "$['*']"), ['3'], 'a key named * is a key');
  assert.equal(sliceRecords('{"a":{"x":1}}', '$.a[*]'), undefined, 'a wildcard over an object is not sliced');
  assert.equal(sliceRecords('{"a":[1]}', '$.b'), undefined);
});

test('sliced records parse to what JSON.parse of the page gives (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }), fc.constantFrom(0, 2), (records, indent) => {
      const body = JSON.stringify({ total: records.length, items: records }, null, indent);
      const texts = sliceRecords(body, '$.items');
      assert.ok(texts);
      assert.deepEqual(texts.map((t) => JSON.parse(t)), JSON.parse(body).items);
    }),
  );
});

test('wildcard paths slice what compileJsonPath selects, in order (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ cursor: fc.string(), node: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 })) }), { maxLength: 6 }), (edges) => {
      const body = JSON.stringify({ data: { items: { edges, pageInfo: { hasNextPage: false } } } }, null, 1);
      const texts = sliceRecords(body, '$.data.items.edges[*].node');
      assert.ok(texts);
      assert.deepEqual(texts.map((t) => JSON.parse(t)), JSON.parse(body).data.items.edges.map((e: { node: unknown }) => e.node));
    }),
  );
});

test('exact parsing keeps every digit of numbers a double cannot hold', () => {
  const parsed = parseJsonExact('{"id":1780000018563990152,"other":1780000018563990153,"small":12,"f":0.5,"d":1.23456789012345678901}') as Record<string, unknown>;
  assert.deepEqual(parsed, { id: '1780000018563990152', other: '1780000018563990153', small: 12, f: 0.5, d: '1.23456789012345678901' });
  assert.deepEqual(parseJsonExact('{"a":[1,2]}'), { a: [1, 2] });
  assert.throws(() => parseJsonExact('{"a":'), SyntaxError);
  assert.throws(() => parseJsonExact('{"a":12345678901234567890'), SyntaxError);
});
