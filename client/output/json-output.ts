/**
 * Prints one JSON document on stdout for scripts (`--json`): dates as ISO 8601, bigints as
 * strings, nothing else on stdout, so `tributary status --json | jq` always parses.
 *
 * ```ts
 * if (values.json) printJson({ runId, status, summary });
 * ```
 */
export function printJson(value: unknown, stream: { write(text: string): unknown } = process.stdout): void {
  stream.write(`${toJson(value)}\n`);
}

/** JSON text of a value, with bigints as strings (JSON.stringify throws on them). */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);
}
