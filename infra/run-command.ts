import { spawn } from 'node:child_process';

/** Outcome of a finished short-lived command. */
export interface CommandResult {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  /** stdout and stderr interleaved, for error messages. */
  output: string;
  /** Set when the command could not be started at all (e.g. ENOENT). */
  spawnError?: NodeJS.ErrnoException;
}

/**
 * Run a short-lived command to completion, capturing its output. Never throws:
 * callers turn failures into typed errors with context only they know.
 */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise<CommandResult>((resolve) => {
    let output = '';
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', (spawnError: NodeJS.ErrnoException) => resolve({ code: null, output, spawnError }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Last `maxLines` lines of command output, for embedding in error messages. */
export function tail(text: string, maxLines = 20): string {
  return text.trim().split('\n').slice(-maxLines).join('\n');
}
