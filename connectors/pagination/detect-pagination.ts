import type { RestPaginationConfig } from '../../config/sources/pagination-config.js';
import { compileJsonPath } from '../../core/json-path.js';
import { parseLinkHeader } from './link-header.js';
import { ConnectorError } from '../connector-error.js';
import type { PageOutcome } from './paginator.js';

/** A concrete pagination config detected from a first response, and why. */
export interface DetectedPagination {
  readonly config: Exclude<RestPaginationConfig, { type: 'auto' }>;
  /** A one-line explanation, e.g. `cursor from $.meta.next_cursor`. */
  readonly reason: string;
}

const nextUrlPaths = ["$['@odata.nextLink']", '$.next', '$.next_url', '$.nextUrl', '$.next_page_url', '$.nextPageUrl', '$.links.next', '$.links.next.href', '$._links.next.href', '$.paging.next', '$.meta.next', '$.pagination.next', '$.pagination.next_url', '$.pagination.nextUrl'];
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
  const hints = continuationHints(page, totalPath, hasMorePath);
  if (hints.length > 0) throw new PaginationUndetectedError(page.url, hints);
  return { config: { type: 'single', ...total }, reason: 'no pagination hints in the first response' };
}

/** Flags that signal more pages when true. */
const continuationFlags = /^(has_?more|has_?next(_?page)?|more)$/i;

/** Names that signal more pages when they hold a value (a non-empty string, a positive number). */
const continuationNames = /^(next|next_?(cursor|url|page|page_?url|page_?token|token|link)|nextLink|@odata\.nextLink|cursor|starting_after|continuation(_?token)?|scroll_?id)$/i;

/**
 * Signals of more pages that no scheme could follow: a `has_more`-style flag that is true, a
 * total larger than the page, or a `next`-like field of an unknown shape. Any of them means the
 * page is not the whole stream, so `auto` must not settle for a single page.
 */
function continuationHints(page: PageOutcome, totalPath: string | undefined, hasMorePath: string | undefined): string[] {
  const hints: string[] = [];
  if (hasMorePath && at(page.body, hasMorePath) === true) hints.push(`${hasMorePath} is true`);
  const total = totalPath ? (at(page.body, totalPath) as number) : undefined;
  if (total !== undefined && total > page.recordCount) hints.push(`${totalPath} reports ${total} records, the page held ${page.recordCount}`);
  const seen = new Set(hints.map((h) => h.split(' ')[0]));
  const scan = (value: unknown, path: string, depth: number) => {
    if (!value || typeof value !== 'object' || Array.isArray(value) || depth > 2) return;
    for (const [k, v] of Object.entries(value)) {
      const p = /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}['${k}']`;
      const flag = continuationFlags.test(k) && (v === true || v === 'true');
      const value = continuationNames.test(k) && ((typeof v === 'string' && v !== '') || (typeof v === 'number' && v > 0));
      if ((flag || value) && !seen.has(p)) hints.push(`${p} = ${JSON.stringify(v).slice(0, 60)}`);
      else scan(v, p, depth + 1);
    }
  };
  scan(page.body, '$', 0);
  if (page.headers.link) hints.push(`a Link header without rel="next": ${String(page.headers.link).slice(0, 80)}`);
  return hints;
}

/**
 * `pagination: auto` saw signs of more pages but no scheme it can follow: stopping after one
 * page would lose records silently, so the stream fails (not retryable) naming what it saw.
 */
export class PaginationUndetectedError extends ConnectorError {
  constructor(url: string, hints: readonly string[]) {
    super(
      'PAGINATION_UNDETECTED',
      `pagination: auto cannot tell how to page ${url}: the first response says more records exist (${hints.join('; ')}) but carries no next link, cursor or page count it can follow. ` +
        'Configure the pagination explicitly, e.g. for a list paged by its last record id (has_more with starting_after): ' +
        "pagination: { type: cursor, cursorPath: '$.data[-1].id', param: starting_after, hasMorePath: '$.has_more' }",
      { retryable: false },
    );
    this.name = 'PaginationUndetectedError';
  }
}
