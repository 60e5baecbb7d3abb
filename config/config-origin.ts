import { dirname, resolve } from 'node:path';

const origins = new WeakMap<object, string>();

/** Remembers the directory of the file a config was loaded from (for paths relative to it). */
export function rememberConfigDir(config: object, file: string): void {
  origins.set(config, dirname(resolve(file)));
}

/** The directory of the file `config` was loaded from, or the working directory for a config built in code. */
export function configDir(config: object): string {
  return origins.get(config) ?? process.cwd();
}
