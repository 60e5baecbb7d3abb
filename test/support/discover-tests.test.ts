import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { discoverTestFiles, filterTestFiles } from './discover-tests.js';

describe('discoverTestFiles', () => {
  it('finds *.test.ts in every top-level folder, sorted, skipping dependencies, data dirs and the benchmark', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-discover-'));
    try {
      const touch = (file: string): void => {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), '');
      };
      for (const file of [
        'test/b.test.ts',
        'test/support/a.test.ts',
        'infra/x.test.ts',
        'infra/x.ts',
        'merge/deep/nested/y.test.ts',
        'infra/node_modules/dep.test.ts',
        'store/.data/z.test.ts',
        'newengine/found.test.ts',
        'bench/ignored.test.ts',
        '.tools/ignored.test.ts',
        'top.test.ts',
      ]) {
        touch(file);
      }
      assert.deepEqual(discoverTestFiles(root), ['infra/x.test.ts', 'merge/deep/nested/y.test.ts', 'newengine/found.test.ts', 'test/b.test.ts', 'test/support/a.test.ts']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('filterTestFiles', () => {
  const files = ['infra/a.test.ts', 'infra/b.test.ts', 'test/c.test.ts'];
  it('keeps everything without filters', () => {
    assert.deepEqual(filterTestFiles(files, [], '/root'), files);
  });
  it('matches exact paths, folders, ./-prefixed and absolute paths', () => {
    assert.deepEqual(filterTestFiles(files, ['test/c.test.ts'], '/root'), ['test/c.test.ts']);
    assert.deepEqual(filterTestFiles(files, ['./infra/'], '/root'), ['infra/a.test.ts', 'infra/b.test.ts']);
    assert.deepEqual(filterTestFiles(files, ['/root/infra/b.test.ts', 'c.test'], '/root'), ['infra/b.test.ts', 'test/c.test.ts']);
    assert.deepEqual(filterTestFiles(files, ['nothing'], '/root'), []);
  });
});
