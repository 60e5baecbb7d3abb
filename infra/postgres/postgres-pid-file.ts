import fs from 'node:fs';
import path from 'node:path';
import { InfraError } from '../errors.js';
import { isProcessAlive } from '../process-alive.js';

/**
 * Remove `postmaster.pid` left behind by a server that was killed.
 *
 * Postgres itself ignores a lock file whose pid is dead, but refuses to start
 * when that pid was reused by an unrelated process, which is common after a
 * container restart. So a pid that is gone *or* is not a postgres process
 * makes the file stale. A live postgres still serving this directory is a
 * real conflict and reported as `POSTGRES_ALREADY_RUNNING`.
 *
 * @returns true when a stale file was removed
 */
export function clearStalePostmasterPid(dataDir: string): boolean {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  } catch {
    return false;
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (isProcessAlive(pid) && isPostgresProcess(pid)) {
    const port = lines[3]?.trim();
    throw new InfraError(
      'POSTGRES_ALREADY_RUNNING',
      `A PostgreSQL server (pid ${pid}${port ? `, port ${port}` : ''}) is already running on ${dataDir}. ` +
        `Stop it (kill ${pid}) or point DATABASE_URL at it.`,
    );
  }
  fs.rmSync(pidFile, { force: true });
  return true;
}

/**
 * Whether `pid` runs a postgres binary. Without /proc (non-Linux) we cannot
 * tell, so assume it is, which errs on the side of not deleting a live lock.
 */
function isPostgresProcess(pid: number): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /postgres/.test(cmdline.split('\0')[0] ?? '');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' || !fs.existsSync('/proc/self');
  }
}

/** Pid of the running postmaster recorded in `dataDir`, if any. */
export function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
