import type { ConfigProblem } from './config-error.js';

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed config with environment
 * values, so one file serves several environments (URLs, ports). For secrets use `env:NAME`
 * references instead: they are resolved only inside activities and never stored in the config.
 */
export function interpolateEnv(raw: unknown, env: NodeJS.ProcessEnv, problems: ConfigProblem[], path = ''): unknown {
  if (typeof raw === 'string') {
    return raw.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, fallback: string | undefined) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      problems.push({ path, message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)` });
      return '';
    });
  }
  if (Array.isArray(raw)) return raw.map((v, i) => interpolateEnv(v, env, problems, `${path}[${i}]`));
  if (raw && typeof raw === 'object') {
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, interpolateEnv(v, env, problems, path ? `${path}.${k}` : k)]));
  }
  return raw;
}
