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

test('a path outside the subset is a syntax error naming the path', () => {
  assert.throws(() => compileJsonPath('$..id'), (err: unknown) => err instanceof JsonPathSyntaxError && /\$\.\.id/.test(err.message));
});

test('a path without a wildcard: at most one value, and the same as `first`', () => {
  const cases: Array<[string, unknown, unknown[]]> = [
    ['$.a.b', { a: { b: 0 } }, [0]],
    ['$.a.b', { a: { b: null } }, [null]],
    ['$.a.b', { a: null }, []],
    ['$.a.b', { a: 'text' }, []],
    ['$.a.length', { a: [1, 2] }, [2]],
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
