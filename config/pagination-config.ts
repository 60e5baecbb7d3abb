import { z } from 'zod';

/** One request, no pagination. */
export const singlePageSchema = z.strictObject({ type: z.literal('single') });

/** `?page=1,2,3...` until an empty page, the reported page count, or the caps. */
export const pageNumberPaginationSchema = z.strictObject({
  type: z.literal('page_number'),
  /** Query parameter carrying the page number. */
  param: z.string().default('page'),
  /** Number of the first page. */
  start: z.number().int().min(0).default(1),
  /** Query parameter carrying the page size, if the API takes one. */
  sizeParam: z.string().optional(),
  /** Page size to request. */
  size: z.number().int().positive().optional(),
  /** JSONPath to the total number of pages in the response body, if reported. */
  totalPagesPath: z.string().optional(),
  /** JSONPath to the total number of records in the response body, if reported. */
  totalPath: z.string().optional(),
});

/** `?offset=0&limit=N` until an empty or short page, the reported total, or the caps. */
export const offsetPaginationSchema = z.strictObject({
  type: z.literal('offset'),
  /** Query parameter carrying the offset. */
  offsetParam: z.string().default('offset'),
  /** Query parameter carrying the limit. */
  limitParam: z.string().default('limit'),
  /** Records per page. */
  limit: z.number().int().positive().default(100),
  /** JSONPath to the total number of records in the response body, if reported. */
  totalPath: z.string().optional(),
});

/** A cursor read from the response body and sent back on the next request. */
export const cursorPaginationSchema = z.strictObject({
  type: z.literal('cursor'),
  /** JSONPath to the next cursor in the response body; null/empty/missing ends pagination. */
  cursorPath: z.string(),
  /** Name of the query parameter (or body field) that carries the cursor. */
  param: z.string().default('cursor'),
  /** Send the cursor as a query parameter or as a JSON body field (POST-paginated endpoints). */
  in: z.enum(['query', 'body']).default('query'),
  /** JSONPath to a `has_more`-style flag; false ends pagination even when a cursor is present. */
  hasMorePath: z.string().optional(),
});

/** The next page's full URL read from the response body. */
export const nextUrlPaginationSchema = z.strictObject({
  type: z.literal('next_url'),
  /** JSONPath to the next URL (absolute or relative to the request URL). */
  nextUrlPath: z.string(),
  /** Allow next URLs on another origin (off by default: auth headers never leave the origin). */
  allowCrossOrigin: z.boolean().default(false),
});

/** RFC 8288 `Link: <...>; rel="next"` header. */
export const linkHeaderPaginationSchema = z.strictObject({
  type: z.literal('link_header'),
  /** The link relation to follow. */
  rel: z.string().default('next'),
  /** Allow next links on another origin (off by default). */
  allowCrossOrigin: z.boolean().default(false),
});

/** Pagination of a REST stream, picked by `type`. */
export const restPaginationSchema = z
  .discriminatedUnion('type', [
    singlePageSchema,
    pageNumberPaginationSchema,
    offsetPaginationSchema,
    cursorPaginationSchema,
    nextUrlPaginationSchema,
    linkHeaderPaginationSchema,
  ])
  .describe('Pagination, picked by type.');

/** Validated REST pagination config. */
export type RestPaginationConfig = z.infer<typeof restPaginationSchema>;
