/**
 * Reads how long a server asked us to wait, in milliseconds: `Retry-After` (seconds or an HTTP
 * date), else the rate-limit reset when the limit is exhausted (see `rateLimitPauseMs`).
 * Undefined when the response says nothing.
 */
export function retryAfterMs(headers: Readonly<Record<string, string | string[] | undefined>>, now = Date.now()): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    if (/^\d+(\.\d+)?$/.test(retryAfter.trim())) return Math.ceil(Number(retryAfter) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return rateLimitPauseMs(headers, now);
}

/**
 * When a response says the rate limit is used up (`RateLimit-Remaining: 0` or
 * `X-RateLimit-Remaining: 0`), how long until it resets, from `RateLimit-Reset` /
 * `X-RateLimit-Reset` (seconds from now, or an epoch timestamp in seconds as GitHub sends) or
 * the IETF draft's combined `RateLimit: limit=.., remaining=.., reset=..`. Undefined otherwise.
 */
export function rateLimitPauseMs(headers: Readonly<Record<string, string | string[] | undefined>>, now = Date.now()): number | undefined {
  let remaining = header(headers, 'ratelimit-remaining') ?? header(headers, 'x-ratelimit-remaining');
  let reset = header(headers, 'ratelimit-reset') ?? header(headers, 'x-ratelimit-reset');
  const combined = header(headers, 'ratelimit');
  if (combined !== undefined) {
    remaining ??= /remaining=(\d+)/i.exec(combined)?.[1];
    reset ??= /(?:^|[,;\s])(?:reset|t)=(\d+)/i.exec(combined)?.[1];
  }
  if (remaining === undefined || Number(remaining) > 0 || reset === undefined || !/^\d+(\.\d+)?$/.test(reset.trim())) return undefined;
  const n = Number(reset);
  // Values this large are epoch seconds (GitHub's style); small ones are seconds from now.
  return n > 1_000_000_000 ? Math.max(0, Math.ceil(n * 1000 - now)) : Math.ceil(n * 1000);
}

function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
