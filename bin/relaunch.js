// Restarts this command in a child Node process with extra V8 flags (V8 reads heap flags only at start).
import { spawn } from 'node:child_process';

/** Set in the relaunched child: it has its flags, and must stop when its parent goes away. */
export const RELAUNCHED_ENV = 'TRIBUTARY_NODE_FLAGS_APPLIED';

const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/**
 * Runs `node <flags> <this process's own flags and arguments>` with the same stdio and
 * environment (plus `env` and `RELAUNCHED_ENV`), relays SIGINT and SIGTERM to it (the worker ignores the
 * same signal repeated within two seconds, as a terminal's Ctrl-C reaches both processes) and
 * resolves with its exit code (128 + the signal number when a signal ended it).
 */
export function relaunch(flags, env = {}) {
  const child = spawn(process.execPath, [...flags, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env, [RELAUNCHED_ENV]: '1' },
  });
  const relay = (signal) => child.kill(signal);
  process.on('SIGINT', relay);
  process.on('SIGTERM', relay);
  return new Promise((resolve) => {
    child.on('error', (err) => {
      console.error(err);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (SIGNAL_NUMBERS[signal] ?? 1)));
  });
}

/**
 * In a relaunched child: when the parent dies without relaying a signal (SIGKILL, a crash), its
 * IPC channel closes, and the child stops as on SIGTERM (gracefully) instead of running on as an
 * orphan. The channel does not keep the child alive otherwise.
 */
export function stopWithParent() {
  if (process.env[RELAUNCHED_ENV] !== '1' || !process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
