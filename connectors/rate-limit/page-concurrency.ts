/** Pages of a stream in flight at once when the source sets no `rateLimit.maxConcurrency`. */
export const DEFAULT_PAGE_CONCURRENCY = 4;

/**
 * Pages of one stream requested at once when the pagination allows: the source's
 * `rateLimit.maxConcurrency`, else `DEFAULT_PAGE_CONCURRENCY`. The source's limiter still caps
 * the requests in flight (and their rate) across all its streams.
 */
export function pageConcurrency(source: { readonly rateLimit?: { readonly maxConcurrency?: number | undefined } | undefined }): number {
  return source.rateLimit?.maxConcurrency ?? DEFAULT_PAGE_CONCURRENCY;
}
