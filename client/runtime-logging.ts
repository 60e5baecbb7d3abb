import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/** Quiets the Temporal SDK's own logs to warnings, once per process (it can only be installed once). */
export function installQuietRuntime(): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}
