import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerExitCleanup } from './exit-cleanup.js';

/** How a child process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A server process running in its own process group. */
export interface DetachedProcess {
  /** Pid of the group leader (equals the process group id). */
  readonly pid: number;
  /** Resolves once the process has exited, however that happened. */
  readonly exited: Promise<ExitInfo>;
  /** Exit info once exited, `undefined` while still running. */
  exitInfo(): ExitInfo | undefined;
  /**
   * SIGTERM the whole group, wait up to `graceMs`, then SIGKILL. Idempotent:
   * later calls return the first call's promise.
   */
  stop(graceMs?: number): Promise<ExitInfo>;
}

/** Options for {@link spawnDetached}. */
export interface SpawnDetachedOptions {
  /** stdout and stderr are appended here so they outlive our pipes. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Start `command` detached in a new process group with output going to a
 * log file.
 *
 * A separate group lets us kill the server and anything it forks in one go,
 * and keeps a terminal Ctrl-C from killing it before we can stop it cleanly.
 * Writing to a file instead of a pipe means the server never dies of SIGPIPE
 * if we go away first. The child is unref'd so a forgotten `stop()` cannot
 * keep Node alive; the exit hook then kills it instead.
 */
export function spawnDetached(command: string, args: readonly string[], options: SpawnDetachedOptions): DetachedProcess {
  const logFd = fs.openSync(options.logFile, 'a');
  let child;
  try {
    child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
  } finally {
    // The child holds its own copy of the descriptor.
    fs.closeSync(logFd);
  }
  child.unref();

  let info: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      info = { code, signal };
      resolve(info);
    });
    child.once('error', () => {
      // spawn failure (ENOENT, EACCES): no process ever existed.
      info = { code: null, signal: null };
      resolve(info);
    });
  });

  const pid = child.pid;
  const killGroup = (signal: NodeJS.Signals): void => {
    if (pid === undefined || info !== undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // Group already gone.
    }
  };
  const unregister = registerExitCleanup(() => killGroup('SIGKILL'));
  void exited.then(unregister);

  let stopping: Promise<ExitInfo> | undefined;
  const stop = (graceMs = 10_000): Promise<ExitInfo> => {
    stopping ??= (async () => {
      killGroup('SIGTERM');
      const timer = new AbortController();
      const timeout = sleep(graceMs, 'timeout' as const, { signal: timer.signal }).catch(() => 'cancelled' as const);
      const first = await Promise.race([exited, timeout]);
      // Cancel the timer so it does not hold the event loop open after exit.
      timer.abort();
      if (first === 'timeout') killGroup('SIGKILL');
      return exited;
    })();
    return stopping;
  };

  return {
    pid: pid ?? -1,
    exited,
    exitInfo: () => info,
    stop,
  };
}

/**
 * Last `maxLines` lines of a log file from byte `fromByte` on, or '' if it
 * cannot be read. `fromByte` lets a caller show only what the current run
 * appended to a log shared with earlier runs.
 */
export function readLogTail(file: string, options: { fromByte?: number; maxLines?: number } = {}): string {
  const maxBytes = 16_384;
  try {
    const size = fs.statSync(file).size;
    const start = Math.max(options.fromByte ?? 0, size - maxBytes, 0);
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(Math.max(0, size - start));
      fs.readSync(fd, buffer, 0, buffer.length, start);
      return buffer
        .toString('utf8')
        .split('\n')
        .slice(-(options.maxLines ?? 40))
        .join('\n')
        .trim();
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** Current size of `file` in bytes, 0 when it does not exist yet. */
export function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
