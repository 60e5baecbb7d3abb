/**
 * Stable machine-readable codes for every failure the infrastructure layer
 * reports. Callers (CLI, test launcher) branch on these, never on messages.
 */
export type InfraErrorCode =
  | 'PORT_IN_USE'
  | 'TEMPORAL_CLI_NOT_FOUND'
  | 'TEMPORAL_CLI_INSTALL_FAILED'
  | 'TEMPORAL_START_FAILED'
  | 'TEMPORAL_UNREACHABLE'
  | 'TEMPORAL_NAMESPACE_NOT_FOUND'
  | 'POSTGRES_START_FAILED'
  | 'POSTGRES_UNREACHABLE'
  | 'POSTGRES_ALREADY_RUNNING'
  | 'POSTGRES_DATA_DIR_INACCESSIBLE'
  | 'TIMEOUT';

/**
 * Error raised by the infrastructure layer. `code` is stable across releases;
 * the message is for humans and may change.
 */
export class InfraError extends Error {
  /** Stable identifier of the failure kind. */
  readonly code: InfraErrorCode;

  /**
   * @param code stable identifier of the failure kind
   * @param message human-readable explanation including how to fix it
   * @param options standard `cause` chaining
   */
  constructor(code: InfraErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InfraError';
    this.code = code;
  }
}

/** True when `err` is an {@link InfraError}, optionally with the given code. */
export function isInfraError(err: unknown, code?: InfraErrorCode): err is InfraError {
  return err instanceof InfraError && (code === undefined || err.code === code);
}

/** Best-effort message extraction for logging unknown thrown values. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? ` (cause: ${err.cause.message})` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}
