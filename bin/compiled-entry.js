// Finds the compiled CLI that `npm run build` writes to dist/, if it is up to date.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: bin/ sits right below it. */
export const PROJECT_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

// Folders that hold no sources of the CLI (tests are not compiled; bench and scratch files are not run).
const SKIP = new Set(['node_modules', 'dist', 'test', '.data', '.tools', '.venv', '.git']);

/** The newest modification time of a TypeScript source (tests excluded) under `dir`. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) newest = Math.max(newest, newestSource(join(dir, entry.name)));
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      newest = Math.max(newest, statSync(join(dir, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * `dist/<relativePath>` when `npm run build` compiled it and no source changed since (a stale
 * build would run old code), else undefined: then the sources run through tsx, so a fresh clone
 * needs no build step. `TRIBUTARY_NO_DIST=1` always runs the sources.
 */
export function compiledEntry(relativePath, env = process.env) {
  if (env.TRIBUTARY_NO_DIST === '1') return undefined;
  const file = join(PROJECT_ROOT, 'dist', relativePath);
  if (!existsSync(file)) return undefined;
  return statSync(file).mtimeMs >= newestSource(PROJECT_ROOT) ? file : undefined;
}
