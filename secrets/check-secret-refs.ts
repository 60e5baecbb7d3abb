import { access, constants } from 'node:fs/promises';
import { isSecretRef } from './secret-ref.js';

/** One secret reference of a config and whether it resolves, without its value. */
export interface SecretRefCheck {
  /** Config path, e.g. `sources.crm.auth.value`. */
  readonly path: string;
  readonly ref: string;
  /** Null when it resolves; else why not (`DEMO_KEY is not set`, `file cannot be read: ENOENT`). */
  readonly problem: string | null;
}

/**
 * Finds every secret reference (`env:NAME`, `file:PATH`) in a config and checks that it resolves:
 * the variable is set and not empty, the file is readable. Values are never read into the result.
 */
export async function checkSecretRefs(config: unknown, env: NodeJS.ProcessEnv = process.env): Promise<SecretRefCheck[]> {
  const found: Array<{ path: string; ref: string }> = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      if (isSecretRef(value)) found.push({ path, ref: value });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(config, '');
  return Promise.all(
    found.map(async ({ path, ref }) => {
      if (ref.startsWith('env:')) {
        const name = ref.slice(4);
        return { path, ref, problem: env[name] ? null : `${name} is not set` };
      }
      try {
        await access(ref.slice(5), constants.R_OK);
        return { path, ref, problem: null };
      } catch (err) {
        return { path, ref, problem: `file cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}` };
      }
    }),
  );
}
