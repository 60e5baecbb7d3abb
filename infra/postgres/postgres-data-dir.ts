import fs from 'node:fs';
import path from 'node:path';
import { InfraError } from '../errors.js';

/** True once initdb has populated `dataDir` (it writes PG_VERSION last-ish). */
export function isInitialised(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'PG_VERSION'));
}

/**
 * When we run as root, the server runs as the unprivileged `postgres` user,
 * which must be able to traverse every ancestor of the data directory, and of
 * its own binaries (in this project's node_modules). A `mkdtemp` directory
 * (mode 0700) is the usual trap, so fail early with a fix instead of letting
 * initdb die with a bare "Permission denied" (or an unhandled spawn EACCES).
 */
export function assertReachableByPostgresUser(dataDir: string, what = 'data directory'): void {
  let dir = path.dirname(path.resolve(dataDir));
  for (;;) {
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    // Missing ancestors are created by mkdir with a 0755-ish default mode.
    if (stat !== undefined && (stat.mode & 0o001) === 0) {
      throw new InfraError(
        'POSTGRES_DATA_DIR_INACCESSIBLE',
        `PostgreSQL runs as user "postgres" when started by root and cannot enter ${dir} (mode ${(stat.mode & 0o777).toString(8)}). ` +
          `Make it traversable (chmod o+x ${dir}) or put the ${what} elsewhere.`,
      );
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}
