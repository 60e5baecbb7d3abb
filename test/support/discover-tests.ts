import fs from 'node:fs';
import path from 'node:path';

/**
 * Top-level folders never scanned for tests: dependencies, generated output, local data and
 * tool caches, and the benchmark (it runs on demand with `npm run bench`, never in the suite).
 * Every other top-level folder is scanned, so a new engine folder's tests can never be skipped
 * silently.
 */
export const NON_TEST_ROOTS = new Set(['node_modules', 'dist', 'schema', 'bench']);

/** The top-level folders that may hold `*.test.ts` files, sorted. */
export function testRoots(root: string): string[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !NON_TEST_ROOTS.has(e.name))
    .map((e) => e.name)
    .sort();
}

/** Folder names never descended into. */
const SKIPPED_DIRS = new Set(['node_modules', '.data', '.tools', '.git']);

/**
 * All test files under the project's test roots, as root-relative POSIX
 * paths, sorted so runs are reproducible.
 */
export function discoverTestFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(full);
      } else if (entry.isFile() && entry.name.endsWith('.test.ts')) {
        found.push(path.relative(root, full).split(path.sep).join('/'));
      }
    }
  };
  for (const top of testRoots(root)) walk(path.join(root, top));
  return found.sort();
}

/**
 * Keep the files matching any filter. A filter matches a file it names, a
 * folder containing it, or any part of its path, so `infra`,
 * `infra/postgres/postgres-server.test.ts` and `./infra/` all work. Absolute paths
 * are taken relative to `root`. No filters keeps everything.
 */
export function filterTestFiles(files: readonly string[], filters: readonly string[], root: string): string[] {
  if (filters.length === 0) return [...files];
  const needles = filters.map((filter) => {
    const relative = path.isAbsolute(filter) ? path.relative(root, filter) : filter;
    return relative.split(path.sep).join('/').replace(/^\.\//, '');
  });
  return files.filter((file) => needles.some((needle) => needle === '' || file.includes(needle)));
}
