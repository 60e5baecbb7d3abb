import fs from 'node:fs';
import path from 'node:path';

/**
 * Top-level folders that may hold `*.test.ts` files. Listed explicitly so
 * scratch folders, fixtures and tool caches at the root are never scanned.
 */
export const TEST_ROOTS = [
  'test',
  'config',
  'connectors',
  'merge',
  'access',
  'observability',
  'infra',
  'activities',
  'workflows',
  'worker',
  'client',
  'examples',
  'store',
] as const;

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
  for (const top of TEST_ROOTS) walk(path.join(root, top));
  return found.sort();
}

/**
 * Keep the files matching any filter. A filter matches a file it names, a
 * folder containing it, or any part of its path, so `infra`,
 * `infra/postgres-server.test.ts` and `./infra/` all work. Absolute paths
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
