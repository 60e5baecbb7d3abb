import { z } from 'zod';

/** JSONPath to the total number of records the API reports; a run that receives fewer says so (truncation check). */
const totalPath = z.string().optional().describe('JSONPath to the total number of records the API reports (checked against what arrived).');

/** JSONPath to a `has_more`-style flag; false ends pagination. */
const hasMorePath = z.string().optional().describe('JSONPath to a has_more-style flag; false ends pagination.');

/** Where page parameters go: query string, or JSON body fields (POST-paginated endpoints). */
const paramsIn = z.enum(['query', 'body']).default('query').describe('Where page parameters go: query or body (POST-paginated endpoints).');

/** One request, no pagination. */
export const singlePageSchema = z.strictObject({ type: z.literal('single'), totalPath });

/** `?page=1,2,3...` until an empty page, the reported page count, or the caps. */
export const pageNumberPaginationSchema = z.strictObject({
  type: z.literal('page_number'),
  /** Query parameter carrying the page number. */
  param: z.string().default('page').describe('Parameter carrying the page number.'),
  /** Number of the first page. */
  start: z.number().int().min(0).default(1).describe('Number of the first page.'),
  /** Query parameter carrying the page size, if the API takes one. */
  sizeParam: z.string().optional().describe('Parameter carrying the page size, if the API takes one.'),
  /** Page size to request. */
  size: z.number().int().positive().optional().describe('Page size to request; a shorter page ends pagination.'),
  /** JSONPath to the total number of pages in the response body, if reported. */
  totalPagesPath: z.string().optional().describe('JSONPath to the total number of pages, if reported.'),
  totalPath,
  hasMorePath,
  in: paramsIn,
});

/** `?offset=0&limit=N` until an empty or short page, the reported total, or the caps. */
export const offsetPaginationSchema = z.strictObject({
  type: z.literal('offset'),
  /** Query parameter carrying the offset. */
  offsetParam: z.string().default('offset').describe('Parameter carrying the offset.'),
  /** Query parameter carrying the limit. */
  limitParam: z.string().default('limit').describe('Parameter carrying the limit.'),
  /** Records per page. */
  limit: z.number().int().positive().default(100).describe('Records per page.'),
  totalPath,
  hasMorePath,
  in: paramsIn,
});

/** A cursor read from the response body and sent back on the next request. */
export const cursorPaginationSchema = z.strictObject({
  type: z.literal('cursor'),
  /** JSONPath to the next cursor in the response body; null/empty/missing ends pagination. */
  cursorPath: z.string().describe('JSONPath to the next cursor; null, empty or missing ends pagination.'),
  /** Name of the query parameter (or body field) that carries the cursor. */
  param: z.string().default('cursor').describe('Parameter (or body field) carrying the cursor.'),
  /** Send the cursor as a query parameter or as a JSON body field (POST-paginated endpoints). */
  in: paramsIn,
  hasMorePath,
  totalPath,
});

/** The next page's full URL read from the response body. */
export const nextUrlPaginationSchema = z.strictObject({
  type: z.literal('next_url'),
  /** JSONPath to the next URL (absolute or relative to the request URL). */
  nextUrlPath: z.string().describe('JSONPath to the next URL (absolute or relative).'),
  /** Allow next URLs and redirects to another origin (off by default); followed without auth headers, request headers or credential parameters. */
  allowCrossOrigin: z.boolean().default(false).describe('Follow next URLs and redirects to another origin (auth headers and credential parameters are never sent there).'),
  hasMorePath,
  totalPath,
});

/** RFC 8288 `Link: <...>; rel="next"` header. */
export const linkHeaderPaginationSchema = z.strictObject({
  type: z.literal('link_header'),
  /** The link relation to follow. */
  rel: z.string().default('next').describe('The link relation to follow.'),
  /** Allow next links and redirects to another origin (off by default); followed without auth headers, request headers or credential parameters. */
  allowCrossOrigin: z.boolean().default(false).describe('Follow next links and redirects to another origin (auth headers and credential parameters are never sent there).'),
  totalPath,
});

/**
 * Detects the scheme from the first response (Link header, a next URL or cursor field, Relay
 * `pageInfo`, page counts, offset/limit/total) and reports what it picked as `auto:<scheme>`.
 */
export const autoPaginationSchema = z.strictObject({
  type: z.literal('auto'),
  /** Parameter to send a detected cursor in (default: guessed from the field name, e.g. `cursor`, `page_token`, `after`). */
  cursorParam: z.string().optional().describe('Parameter to send a detected cursor in (default: guessed from the field name).'),
  /** Allow next links and redirects to another origin (off by default); followed without auth headers, request headers or credential parameters. */
  allowCrossOrigin: z.boolean().default(false).describe('Follow next links and redirects to another origin (auth headers and credential parameters are never sent there).'),
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
    autoPaginationSchema,
  ])
  .describe('Pagination, picked by type: single, page_number, offset, cursor, next_url, link_header or auto.');

/** Validated REST pagination config. */
export type RestPaginationConfig = z.infer<typeof restPaginationSchema>;
