import { DefaultLogger, Runtime } from '@temporalio/worker';
import { compactSdkMeta } from '../observability/sdk-log-meta.js';

let installed = false;

/**
 * Quiets the Temporal SDK's own logs to warnings, once per process (it can only be installed
 * once), each one line on stderr: an expected activity failure is its type and message, not a
 * stack trace (see `compactSdkMeta`).
 */
export function installQuietRuntime(): void {
  if (installed) return;
  installed = true;
  const write = (entry: { level: string; message: string; meta?: Record<string, unknown> }) => {
    process.stderr.write(`${new Date().toISOString()} [${entry.level}] ${entry.message} ${JSON.stringify(compactSdkMeta(entry.meta))}\n`);
  };
  Runtime.install({ logger: new DefaultLogger('WARN', write) });
}
