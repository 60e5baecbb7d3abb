/**
 * Prints an error for a person on stderr: `error: <what went wrong>` and, when known, a
 * `hint: <what to do>` line, e.g.
 *
 * ```
 * error: cannot reach Postgres at 127.0.0.1:54329 (ECONNREFUSED)
 * hint: start it with `tributary start` or set DATABASE_URL
 * ```
 */
export function reportError(message: string, hint?: string, stream: { write(text: string): unknown } = process.stderr): void {
  stream.write(`error: ${message}\n${hint ? `hint: ${hint}\n` : ''}`);
}
