/**
 * Reads how long a server asked us to wait, in milliseconds: `Retry-After` (seconds or an HTTP
 * date), else `RateLimit-Reset` / `X-RateLimit-Reset` (seconds from now, or an epoch timestamp),
 * only when the limit is exhausted. Undefined when the response says nothing.
 */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    if (/^\d+(\.\d+)?$/.test(retryAfter.trim())) return Math.ceil(Number(retryAfter) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const remaining = header(headers, 'ratelimit-remaining') ?? header(headers, 'x-ratelimit-remaining');
  const reset = header(headers, 'ratelimit-reset') ?? header(headers, 'x-ratelimit-reset');
  if (remaining !== undefined && Number(remaining) <= 0 && reset !== undefined && /^\d+$/.test(reset.trim())) {
    const n = Number(reset);
    // Values this large are epoch seconds (GitHub's style); small ones are seconds from now.
    return n > 1_000_000_000 ? Math.max(0, n * 1000 - now) : n * 1000;
  }
  return undefined;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
