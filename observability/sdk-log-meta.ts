/**
 * The Temporal SDK's log metadata made fit for one log line: task tokens left out, and errors
 * (an activity's `ApplicationFailure`, a workflow's failure chain) reduced to their type and
 * messages, innermost cause included, without stack traces. An expected failure (a refused
 * credential, an upstream fault) is then one readable line, and pino does not print `{}` for it.
 */
export function compactSdkMeta(meta: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta ?? {})) {
    if (key === 'taskToken') continue;
    out[key] = value instanceof Error ? describeError(value) : value;
  }
  return out;
}

function describeError(err: Error): { type?: string; message: string; cause?: string } {
  const type = (err as { type?: unknown }).type;
  let inner: unknown = err.cause;
  let cause: string | undefined;
  while (inner instanceof Error) {
    cause = inner.message;
    inner = inner.cause;
  }
  return { ...(typeof type === 'string' ? { type } : {}), message: err.message, ...(cause && cause !== err.message ? { cause } : {}) };
}
