import { z } from 'zod';

/**
 * A reference to a secret, never the secret itself: `env:NAME` reads an environment variable,
 * `file:PATH` reads a file (trailing newline trimmed). References are resolved inside activities
 * only, so secret values never reach workflow inputs, Temporal history, logs or errors.
 */
export const secretRefSchema = z
  .string()
  .regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/, {
    message: 'must be a secret reference: env:NAME or file:PATH (literal secrets are not accepted in config)',
  })
  .describe('A secret reference: env:NAME or file:PATH.');

/** A secret reference string such as `env:CRM_API_KEY`. */
export type SecretRef = z.infer<typeof secretRefSchema>;

/**
 * A value that may be a plain string or a secret reference. Used where a value is usually not
 * secret (a username, a header) but may be.
 */
export const maybeSecretSchema = z
  .string()
  .describe('A plain value, or a secret reference (env:NAME or file:PATH) when the value is secret.');

/** True when `value` has the form of a secret reference. */
export function isSecretRef(value: string): boolean {
  return /^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/.test(value);
}
