import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, problemsFromZod } from './config-error.js';
import { type TributaryConfig, tributaryConfigSchema } from './tributary-config.js';

/**
 * Validates an already-parsed config object. Throws `ConfigError` listing every problem with
 * its path; `origin` names the file in the message.
 */
export function parseConfig(raw: unknown, origin = 'config'): TributaryConfig {
  const result = tributaryConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(origin, problemsFromZod(result.error));
  return deepFreeze(result.data);
}

/** Reads a YAML or JSON config file and validates it. */
export async function loadConfigFile(path: string): Promise<TributaryConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [{ path: '', message: `cannot read file: ${(err as Error).message}` }]);
  }
  let raw: unknown;
  try {
    raw = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(path, [{ path: '', message: `not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}` }]);
  }
  return parseConfig(raw, path);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
