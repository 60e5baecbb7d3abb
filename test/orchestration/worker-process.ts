import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../client/main.ts', import.meta.url));

/** A `tributary worker` in its own process, which a test can SIGKILL. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Output so far, for failure messages. */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Spawns `tributary worker` and resolves once it reports ready. */
export async function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'worker', '--log-level', 'WARN'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  await new Promise<void>((resolve, reject) => {
    const onData = () => out.includes('worker ready') && resolve();
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${out}`)));
  });
  return {
    child,
    output: () => out,
    kill: (signal) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
