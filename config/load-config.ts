import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, type ConfigProblem, problemsFromZod } from './config-error.js';
import { rememberFingerprint } from './config-fingerprint.js';
import { rememberConfigDir } from './config-origin.js';
import { interpolateEnv } from './interpolate-env.js';
import { type TributaryConfig, tributaryConfigSchema } from './tributary-config.js';

/**
 * Fills in `${VAR}` references and validates an already-parsed config object. Throws `ConfigError` listing every problem with
 * its path; `origin` names the file in the message.
 */
export function parseConfig(raw: unknown, origin = 'config', env: NodeJS.ProcessEnv = process.env): TributaryConfig {
  const problems: ConfigProblem[] = [];
  const interpolated = interpolateEnv(raw, env, problems);
  if (problems.length > 0) throw new ConfigError(origin, problems);
  const result = tributaryConfigSchema.safeParse(interpolated);
  if (!result.success) throw new ConfigError(origin, problemsFromZod(result.error, interpolated, tributaryConfigSchema));
  rememberFingerprint(result.data, raw);
  return deepFreeze(result.data);
}

/** Reads a YAML or JSON config file, fills in `${VAR}` references from `env`, and validates it. */
export async function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<TributaryConfig> {
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
  const config = parseConfig(raw, path, env);
  // Custom strategy modules are named relative to the config file.
  rememberConfigDir(config, path);
  return config;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
