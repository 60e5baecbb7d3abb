/** A secret reference that cannot be resolved: the variable is unset or the file unreadable. Never retryable. */
export class SecretError extends Error {
  /** Stable error code. */
  readonly code = 'SECRET_UNRESOLVED';
  /** A later attempt with the same environment fails the same way. */
  readonly retryable = false;

  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SecretError';
  }
}
