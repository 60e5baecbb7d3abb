import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A child process the bench started, with its first stdout JSON line and its exit. */
export interface BenchChild {
  readonly proc: ChildProcess;
  /** Resolves with the exit code (or a signal name). */
  readonly exited: Promise<number | string>;
  /** Everything written to stderr so far (last 64 KiB), for error messages. */
  stderr(): string;
  /** Resolves with the first stdout line that parses as JSON and matches `pred`. */
  waitForJson<T>(pred: (v: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<T>;
}

const running = new Set<ChildProcess>();

/** Kills every child the bench started and that still runs (on exit or Ctrl-C). */
export function killAllChildren(): void {
  for (const p of running) if (p.exitCode === null && p.pid) p.kill('SIGKILL');
}

/**
 * Spawns `command args` with piped stdout/stderr (plus an IPC channel when `ipc`), collecting
 * stdout lines so a caller can wait for a readiness message.
 */
export function spawnChild(command: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; ipc?: boolean; cwd?: string } = {}): BenchChild {
  const proc = spawn(command, args, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-65_536);
  });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | string>((resolve) =>
    proc.on('close', (code, signal) => {
      running.delete(proc);
      for (const w of waiters.splice(0)) w();
      resolve(code ?? signal ?? -1);
    }),
  );
  return {
    proc,
    exited,
    stderr: () => err,
    waitForJson<T>(pred: (v: Record<string, unknown>) => boolean, timeoutMs = 120_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          for (const line of lines) {
            try {
              const v = JSON.parse(line) as Record<string, unknown>;
              if (v && typeof v === 'object' && pred(v)) return resolve(v as T);
            } catch {
              // not a JSON line: logs
            }
          }
          if (proc.exitCode !== null || proc.signalCode !== null) return reject(new Error(`${command} ${args.join(' ')} exited (${proc.exitCode ?? proc.signalCode}): ${err.slice(-4000)}`));
          if (Date.now() > deadline) return reject(new Error(`${command} ${args.join(' ')} did not report in ${timeoutMs} ms: ${err.slice(-4000)}`));
          waiters.push(check);
          setTimeout(check, 1000).unref();
        };
        check();
      });
    },
  };
}

/** Node running a TypeScript file through tsx, with extra node flags. */
export function spawnTs(file: string, opts: { env?: NodeJS.ProcessEnv; ipc?: boolean; nodeArgs?: readonly string[] } = {}): BenchChild {
  return spawnChild(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', file], opts);
}

/** Runs a short command to completion; its stdout, or an error with its output. */
export async function runToEnd(command: string, args: readonly string[]): Promise<string> {
  const child = spawnChild(command, args);
  let out = '';
  child.proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | string>((resolve) => {
    child.proc.once('error', () => resolve('spawn error'));
    void child.exited.then(resolve);
  });
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}): ${child.stderr().slice(-2000)}`);
  return out;
}
