import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the project root: the nearest ancestor of this module that
 * holds a package.json.
 *
 * Derived from the module location rather than `process.cwd()` so project-local
 * tools (`.tools/`) are found the same way whether the CLI, a test file or a
 * script in a subfolder is running.
 */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
