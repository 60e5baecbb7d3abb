import { readFile } from 'node:fs/promises';
import { SecretError } from './secret-error.js';
import type { SecretMasker } from './secret-masker.js';

/** Resolves secret references to values; each resolved value is registered with the masker. */
export interface SecretResolver {
  /** Resolves `env:NAME` / `file:PATH`; any other string is returned as is (a plain value). */
  resolve(ref: string): Promise<string>;
  /** Registers a secret obtained at run time (an access or session token) so it is masked too. */
  register(value: string): void;
}

/**
 * A resolver reading `env` (default `process.env`) and files. `where` finishes the message of an
 * unset variable: where the user should set it (the worker's environment, or for a CLI command
 * the shell or a `.env` file next to the config).
 */
export function createSecretResolver(masker: SecretMasker, env: NodeJS.ProcessEnv = process.env, where = "the worker's environment"): SecretResolver {
  return {
    register: (value) => masker.add(value),
    async resolve(ref) {
      let value: string;
      if (ref.startsWith('env:')) {
        const name = ref.slice(4);
        const v = env[name];
        if (v === undefined || v === '') {
          throw new SecretError(`secret ${ref} is not set: set ${name} in ${where}`);
        }
        value = v;
      } else if (ref.startsWith('file:')) {
        const path = ref.slice(5);
        try {
          value = (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
        } catch (err) {
          throw new SecretError(`secret ${ref} cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, err);
        }
      } else {
        return ref;
      }
      masker.add(value);
      return value;
    },
  };
}
