import { z } from 'zod';

/**
 * A name from config that becomes part of SQL identifiers, workflow ids or URLs: lower-case
 * letters, digits and underscores, starting with a letter, at most 48 characters. Validating it
 * here is what keeps SQL injection out of generated DDL.
 */
export const identifierSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,47}$/, {
    message: 'must be a lower-case identifier: a letter, then letters, digits or _ (at most 48 characters)',
  });
