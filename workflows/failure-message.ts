import { isCancellation } from '@temporalio/workflow';

/** The innermost failure message (child -> activity -> application failure), for run summaries. */
export function rootMessage(err: unknown): string {
  if (isCancellation(err)) return 'cancelled before it finished (another stream failed)';
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e?.cause) e = e.cause as typeof e;
  return e?.message ?? String(err);
}
