import type { RestPaginationConfig } from '../../config/pagination-config.js';
import { compileJsonPath } from '../../core/json-path.js';
import { parseLinkHeader } from './link-header.js';
import type { PageOutcome } from './paginator.js';

/** A concrete pagination config detected from a first response, and why. */
export interface DetectedPagination {
  readonly config: Exclude<RestPaginationConfig, { type: 'auto' }>;
  /** A one-line explanation, e.g. `cursor from $.meta.next_cursor`. */
  readonly reason: string;
}

const nextUrlPaths = ['$.next', '$.next_url', '$.nextUrl', '$.next_page_url', '$.nextPageUrl', '$.links.next', '$.links.next.href', '$._links.next.href', '$.paging.next', '$.meta.next', '$.pagination.next', '$.pagination.next_url', '$.pagination.nextUrl'];
const cursorPaths = ['$.next_cursor', '$.nextCursor', '$.next_page_token', '$.nextPageToken', '$.cursor.next', '$.meta.next_cursor', '$.meta.nextCursor', '$.pagination.next_cursor', '$.pagination.nextCursor', '$.response_metadata.next_cursor', '$.paging.cursors.after', '$.next'];
const relayPaths = ['$.pageInfo', '$.page_info', '$.meta.pageInfo', '$.data.pageInfo'];
const totalPagesPaths = ['$.total_pages', '$.totalPages', '$.last_page', '$.lastPage', '$.meta.total_pages', '$.meta.totalPages', '$.meta.last_page', '$.pagination.total_pages', '$.pagination.totalPages', '$.pagination.last_page'];
const currentPagePaths = ['$.page', '$.current_page', '$.currentPage', '$.meta.page', '$.meta.current_page', '$.pagination.page', '$.pagination.current_page'];
const totalPaths = ['$.total', '$.total_count', '$.totalCount', '$.total_results', '$.totalResults', '$.meta.total', '$.meta.total_count', '$.pagination.total', '$.pagination.total_count'];
const offsetPaths = ['$.offset', '$.meta.offset', '$.pagination.offset'];
const limitPaths = ['$.limit', '$.meta.limit', '$.pagination.limit'];
const hasMorePaths = ['$.has_more', '$.hasMore', '$.meta.has_more', '$.pagination.has_more', '$.more'];

const at = (body: unknown, path: string): unknown => compileJsonPath(path).first(body);
const firstPath = (body: unknown, paths: readonly string[], ok: (v: unknown) => boolean): string | undefined => paths.find((p) => ok(at(body, p)));
const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const looksLikeUrl = (v: unknown) => typeof v === 'string' && /^(https?:\/\/|\/|\?)/.test(v);
const isCursor = (v: unknown) => (typeof v === 'string' && v !== '' && !looksLikeUrl(v)) || isNumber(v);

/**
 * Detects the pagination scheme of an endpoint from its first response, in order of certainty:
 * an RFC 8288 `Link: rel="next"` header, a next URL in the body, Relay `pageInfo`, a cursor
 * field, page counts, offset/limit; otherwise a single page. Any total the body reports is
 * kept for the truncation check.
 */
export function detectPagination(page: PageOutcome, opts: { cursorParam?: string | undefined; allowCrossOrigin: boolean }): DetectedPagination {
  const body = page.body;
  const totalPath = firstPath(body, totalPaths, isNumber);
  const total = totalPath ? { totalPath } : {};
  const hasMorePath = firstPath(body, hasMorePaths, (v) => typeof v === 'boolean');
  const hasMore = hasMorePath ? { hasMorePath } : {};

  const raw = page.headers.link;
  const links = parseLinkHeader(Array.isArray(raw) ? raw.join(', ') : (raw ?? ''));
  if (links.some((l) => l.rel.split(/\s+/).includes('next'))) {
    return { config: { type: 'link_header', rel: 'next', allowCrossOrigin: opts.allowCrossOrigin, ...total }, reason: 'Link header with rel="next"' };
  }
  const nextUrlPath = firstPath(body, nextUrlPaths, looksLikeUrl);
  if (nextUrlPath) {
    return { config: { type: 'next_url', nextUrlPath, allowCrossOrigin: opts.allowCrossOrigin, ...hasMore, ...total }, reason: `next URL at ${nextUrlPath}` };
  }
  const relay = relayPaths.find((p) => {
    const info = at(body, p) as { endCursor?: unknown; end_cursor?: unknown } | undefined;
    return info !== null && typeof info === 'object' && ('endCursor' in info || 'end_cursor' in info);
  });
  if (relay) {
    const snake = (at(body, relay) as object) && 'end_cursor' in (at(body, relay) as object);
    return {
      config: {
        type: 'cursor',
        cursorPath: `${relay}.${snake ? 'end_cursor' : 'endCursor'}`,
        hasMorePath: `${relay}.${snake ? 'has_next_page' : 'hasNextPage'}`,
        param: opts.cursorParam ?? 'after',
        in: 'query',
        ...total,
      },
      reason: `Relay pageInfo at ${relay}`,
    };
  }
  const cursorPath = firstPath(body, cursorPaths, isCursor);
  if (cursorPath) {
    const param = opts.cursorParam ?? (/page_token/.test(cursorPath) ? 'page_token' : /[pP]ageToken/.test(cursorPath) ? 'pageToken' : /after$/.test(cursorPath) ? 'after' : 'cursor');
    return { config: { type: 'cursor', cursorPath, param, in: 'query', ...hasMore, ...total }, reason: `cursor at ${cursorPath}, sent as ${param}` };
  }
  const totalPagesPath = firstPath(body, totalPagesPaths, isNumber);
  if (totalPagesPath) {
    const currentPath = firstPath(body, currentPagePaths, isNumber);
    const start = currentPath ? Math.max(0, Math.floor(at(body, currentPath) as number)) : 1;
    return {
      config: { type: 'page_number', param: 'page', start, totalPagesPath, in: 'query', ...hasMore, ...total },
      reason: `page count at ${totalPagesPath}${currentPath ? `, current page at ${currentPath}` : ''}`,
    };
  }
  const offsetPath = firstPath(body, offsetPaths, isNumber);
  const limitPath = firstPath(body, limitPaths, (v) => isNumber(v) && (v as number) > 0);
  if (offsetPath && limitPath) {
    const limit = at(body, limitPath) as number;
    return { config: { type: 'offset', offsetParam: 'offset', limitParam: 'limit', limit, in: 'query', ...hasMore, ...total }, reason: `offset/limit at ${offsetPath} and ${limitPath}` };
  }
  return { config: { type: 'single', ...total }, reason: 'no pagination hints in the first response' };
}
