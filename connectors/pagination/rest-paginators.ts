import type { RestPaginationConfig } from '../../config/pagination-config.js';
import { compileJsonPath } from '../../core/json-path.js';
import { parseLinkHeader } from './link-header.js';
import type { PageStep, Paginator, PaginationState } from './paginator.js';
import { readNumber } from './read-number.js';

type Config<T extends RestPaginationConfig['type']> = Extract<RestPaginationConfig, { type: T }>;

/** One request only. */
export function singlePage(): Paginator {
  return { type: 'single', request: () => ({}), next: () => ({ next: null }) };
}

/** `?page=N`: stops on an empty page or when the reported page count or record total is reached. */
export function pageNumber(c: Config<'page_number'>): Paginator {
  return {
    type: 'page_number',
    request(state) {
      const page = (state?.page as number | undefined) ?? c.start;
      return { query: { [c.param]: page, ...(c.sizeParam && c.size ? { [c.sizeParam]: c.size } : {}) } };
    },
    next(state, page) {
      const current = (state?.page as number | undefined) ?? c.start;
      const totalPages = readNumber(page.body, c.totalPagesPath);
      const reportedTotal = readNumber(page.body, c.totalPath);
      const seen = ((state?.seen as number | undefined) ?? 0) + page.recordCount;
      const done =
        page.recordCount === 0 ||
        (totalPages !== undefined && current - c.start + 1 >= totalPages) ||
        (reportedTotal !== undefined && seen >= reportedTotal) ||
        (c.size !== undefined && page.recordCount < c.size);
      return withTotal({ next: done ? null : { page: current + 1, seen } }, reportedTotal);
    },
  };
}

/** `?offset=N&limit=M`: stops on a short or empty page, or when the reported total is reached. */
export function offsetLimit(c: Config<'offset'>): Paginator {
  return {
    type: 'offset',
    request(state) {
      return { query: { [c.offsetParam]: (state?.offset as number | undefined) ?? 0, [c.limitParam]: c.limit } };
    },
    next(state, page) {
      const offset = ((state?.offset as number | undefined) ?? 0) + page.recordCount;
      const reportedTotal = readNumber(page.body, c.totalPath);
      const done = page.recordCount < c.limit || (reportedTotal !== undefined && offset >= reportedTotal);
      return withTotal({ next: done ? null : { offset } }, reportedTotal);
    },
  };
}

/** A cursor from the body, sent back as a query parameter or body field. */
export function cursor(c: Config<'cursor'>): Paginator {
  const cursorPath = compileJsonPath(c.cursorPath);
  return {
    type: 'cursor',
    request(state) {
      const value = state?.cursor as string | undefined;
      if (value === undefined) return {};
      return c.in === 'query' ? { query: { [c.param]: value } } : { body: { [c.param]: value } };
    },
    next(_state, page) {
      const value = cursorPath.first(page.body);
      const hasMore = c.hasMorePath ? compileJsonPath(c.hasMorePath).first(page.body) : undefined;
      const done = value === undefined || value === null || value === '' || hasMore === false || page.recordCount === 0;
      return { next: done ? null : { cursor: String(value) } };
    },
  };
}

/** The next page's URL from the body. */
export function nextUrl(c: Config<'next_url'>): Paginator {
  const path = compileJsonPath(c.nextUrlPath);
  return {
    type: 'next_url',
    request: (state) => (state?.url ? { url: state.url as string } : {}),
    next(_state, page) {
      const value = path.first(page.body);
      if (typeof value !== 'string' || value === '' || page.recordCount === 0) return { next: null };
      return { next: { url: new URL(value, page.url).toString() } };
    },
  };
}

/** RFC 8288 `Link` header. */
export function linkHeader(c: Config<'link_header'>): Paginator {
  return {
    type: 'link_header',
    request: (state) => (state?.url ? { url: state.url as string } : {}),
    next(_state, page) {
      const raw = page.headers.link;
      const links = parseLinkHeader(Array.isArray(raw) ? raw.join(', ') : (raw ?? ''));
      const target = links.find((l) => l.rel.split(/\s+/).includes(c.rel));
      if (!target || page.recordCount === 0) return { next: null };
      return { next: { url: new URL(target.url, page.url).toString() } };
    },
  };
}

/** The paginator for a REST pagination config. */
export function createRestPaginator(c: RestPaginationConfig): Paginator {
  switch (c.type) {
    case 'single':
      return singlePage();
    case 'page_number':
      return pageNumber(c);
    case 'offset':
      return offsetLimit(c);
    case 'cursor':
      return cursor(c);
    case 'next_url':
      return nextUrl(c);
    case 'link_header':
      return linkHeader(c);
  }
}

function withTotal(step: { next: PaginationState | null }, reportedTotal: number | undefined): PageStep {
  return reportedTotal === undefined ? step : { ...step, reportedTotal };
}
