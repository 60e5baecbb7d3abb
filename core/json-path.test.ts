import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonPathSyntaxError, compileJsonPath } from './json-path.js';

const doc = { data: [{ id: 1, tags: ['a', 'b'] }, { id: 2, tags: [] }], 'odd key': { x: 1 }, meta: { next: null } };

test('selects by dotted path, index, wildcard and quoted key', () => {
  assert.deepEqual(compileJsonPath('$.data[1].id').first(doc), 2);
  assert.deepEqual(compileJsonPath('$.data[*].id').all(doc), [1, 2]);
  assert.deepEqual(compileJsonPath("$['odd key'].x").first(doc), 1);
  assert.deepEqual(compileJsonPath('data[0].tags').first(doc), ['a', 'b']);
  assert.equal(compileJsonPath('$').first(doc), doc);
  assert.equal(compileJsonPath('$.data[-1].id').first(doc), 2);
  assert.deepEqual(compileJsonPath('$.data[-3]').all(doc), []);
});

test('missing paths yield nothing and null is a value', () => {
  assert.equal(compileJsonPath('$.nope.deeper').first(doc), undefined);
  assert.deepEqual(compileJsonPath('$.data[5]').all(doc), []);
  assert.equal(compileJsonPath('$.meta.next').first(doc), null);
});

test('text that is not a JSONPath is a syntax error naming the path', () => {
  assert.throws(() => compileJsonPath('$.data[?'), (err: unknown) => err instanceof JsonPathSyntaxError && /\$\.data\[\?/.test(err.message));
  assert.throws(() => compileJsonPath('$.a b'), JsonPathSyntaxError);
});

test('a path without a wildcard: at most one value, and the same as `first`', () => {
  const cases: Array<[string, unknown, unknown[]]> = [
    ['$.a.b', { a: { b: 0 } }, [0]],
    ['$.a.b', { a: { b: null } }, [null]],
    ['$.a.b', { a: null }, []],
    ['$.a.b', { a: 'text' }, []],
    ['$.a.length', { a: [1, 2] }, []],
    ['$.constructor', {}, []],
    ['$.a[1]', { a: [1, 2] }, [2]],
    ['$.a[2]', { a: [1, 2] }, []],
    ['$.a[0]', { a: { 0: 'x' } }, []],
    ['$.a', undefined, []],
    ['$', undefined, [undefined]],
    ['$', null, [null]],
  ];
  for (const [text, doc, want] of cases) {
    const path = compileJsonPath(text);
    assert.deepEqual(path.all(doc), want, text);
    assert.equal(path.first(doc), want[0], text);
  }
});

test('RFC 9535: negative indexes, slices, filters, descendants, unions and functions', () => {
  const page = { data: [{ id: 'a' }, { id: 'b' }, { id: 'c' }], tags: ['vip', 'plan:pro'], items: [{ type: 'other', value: 1 }, { type: 'primary', value: 2 }] };
  const cases: Array<[string, unknown[]]> = [
    ['$.data[-1].id', ['c']],
    ['$.data[1:].id', ['b', 'c']],
    ['$.data[::-1].id', ['c', 'b', 'a']],
    ['$.data[0,2].id', ['a', 'c']],
    ["$.tags[?@ == 'vip']", ['vip']],
    ["$.tags[?search(@, '^plan:')]", ['plan:pro']],
    ["$.tags[?match(@, 'plan:.*')]", ['plan:pro']],
    ["$.items[?@.type == 'primary'].value", [2]],
    ['$.items[?@.value > 1].type', ['primary']],
    ['$..id', ['a', 'b', 'c']],
    ['$.data[?length(@.id) == 1].id', ['a', 'b', 'c']],
    ['$[?count(@.*) == 3]', [page.data]],
    ['$.items[?!@.missing].value', [1, 2]],
    ['$.first-name', []],
  ];
  for (const [text, want] of cases) assert.deepEqual(compileJsonPath(text).all(page), want, text);
  assert.equal(compileJsonPath("$.items[?@.type == 'primary'].value").multi, true);
  assert.equal(compileJsonPath('$.data[-1].id').multi, false);
  assert.equal(compileJsonPath('$.first-name').first({ 'first-name': 'Ada' }), 'Ada');
});

test('match and search run in linear time: a pathological pattern over a long value answers at once', () => {
  const path = compileJsonPath("$[?match(@, '(a+)+b')]");
  assert.deepEqual(path.all(['a'.repeat(5000)]), []);
  assert.deepEqual(compileJsonPath("$[?match(@, '(')]").all(['(']), [], 'an invalid pattern matches nothing');
});

test('property: a path compiled once gives what the reference RFC 9535 evaluation gives', async () => {
  const fc = (await import('fast-check')).default;
  const { query } = await import('jsonpath-rfc9535');
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.constantFrom(null, true, false), fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b', 'vip', 'plan:pro', ''), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(fc.constantFrom('a', 'b', 'id', 'type', 'tags'), tie('value'), { maxKeys: 4 }),
  })).value;
  const paths = fc.constantFrom(
    '$.a', '$.a.b', '$.a[0]', '$.a[-1]', '$[*]', '$.*.id', '$.a[1:3]', '$.a[::-1]', '$.a[::2]', '$.a[0,1]', "$['a','b']",
    "$[?@.type == 'vip']", '$[?@.id > 1]', '$.a[?@ == null]', '$[?@.a]', '$[?!@.a].b', "$.tags[?@ == 'vip' || @ == 'a']",
    '$[?@.id >= 0 && @.id < 3].id', '$[?length(@) > 1]', '$[?count(@.*) == 2]', "$[?match(@.type, 'v.p')]", "$[?search(@, 'plan')]", '$[?value(@.a) == true]', '$[?@.a == $.b]',
  );
  fc.assert(
    fc.property(json, paths, (doc, text) => {
      assert.deepEqual(compileJsonPath(text).all(doc), query(doc as never, text), text);
    }),
    { numRuns: 2000 },
  );
  // Descendant order is left to implementations (parents before children, arrays in order): compare as sets.
  const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
  fc.assert(
    fc.property(json, fc.constantFrom('$..id', '$..*', '$..[0]', "$..[?@ == 'vip']"), (doc, text) => {
      assert.deepEqual(sorted(compileJsonPath(text).all(doc)), sorted(query(doc as never, text)), text);
    }),
    { numRuns: 1000 },
  );
});
