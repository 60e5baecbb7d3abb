import type { RestPaginationConfig } from '../../config/pagination-config.js';
import { compileJsonPath } from '../../core/json-path.js';
import { parseLinkHeader } from './link-header.js';
import type { PageRequestPatch, PageStep, Paginator, PaginationState } from './paginator.js';
import { readNumber } from './read-number.js';

type Config<T extends RestPaginationConfig['type']> = Extract<RestPaginationConfig, { type: T }>;

/** One request only. */
export function singlePage(c: { totalPath?: string | undefined } = {}): Paginator {
  return { type: 'single', request: () => ({}), next: (_state, page) => withTotal({ next: null }, readNumber(page.body, c.totalPath)) };
}

/** `?page=N`: stops on an empty page or when the reported page count or record total is reached. */
export function pageNumber(c: Config<'page_number'>): Paginator {
  return {
    type: 'page_number',
    request(state) {
      const page = (state?.page as number | undefined) ?? c.start;
      return place(c.in, { [c.param]: page, ...(c.sizeParam && c.size ? { [c.sizeParam]: c.size } : {}) });
    },
    next(state, page) {
      const current = (state?.page as number | undefined) ?? c.start;
      const totalPages = readNumber(page.body, c.totalPagesPath);
      const reportedTotal = readNumber(page.body, c.totalPath);
      const seen = ((state?.seen as number | undefined) ?? 0) + page.recordCount;
      const done =
        page.recordCount === 0 ||
        hasMoreIsFalse(page.body, c.hasMorePath) ||
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
      return place(c.in, { [c.offsetParam]: (state?.offset as number | undefined) ?? 0, [c.limitParam]: c.limit });
    },
    next(state, page) {
      const offset = ((state?.offset as number | undefined) ?? 0) + page.recordCount;
      const reportedTotal = readNumber(page.body, c.totalPath);
      const done = page.recordCount < c.limit || hasMoreIsFalse(page.body, c.hasMorePath) || (reportedTotal !== undefined && offset >= reportedTotal);
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
      return place(c.in, { [c.param]: value });
    },
    next(_state, page) {
      const value = cursorPath.first(page.body);
      const done = value === undefined || value === null || value === '' || hasMoreIsFalse(page.body, c.hasMorePath) || page.recordCount === 0;
      return withTotal({ next: done ? null : { cursor: String(value) } }, readNumber(page.body, c.totalPath));
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
      const total = readNumber(page.body, c.totalPath);
      if (typeof value !== 'string' || value === '' || page.recordCount === 0 || hasMoreIsFalse(page.body, c.hasMorePath)) return withTotal({ next: null }, total);
      return withTotal({ next: { url: new URL(value, page.url).toString() } }, total);
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
      const total = readNumber(page.body, c.totalPath);
      if (!target || page.recordCount === 0) return withTotal({ next: null }, total);
      return withTotal({ next: { url: new URL(target.url, page.url).toString() } }, total);
    },
  };
}

/** The paginator for a REST pagination config other than `auto` (see `createPaginator`). */
export function createRestPaginator(c: Exclude<RestPaginationConfig, { type: 'auto' }>): Paginator {
  switch (c.type) {
    case 'single':
      return singlePage(c);
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

/** Page parameters as query parameters or JSON body fields (POST-paginated endpoints). */
function place(where: 'query' | 'body', values: Record<string, string | number>): PageRequestPatch {
  return where === 'body' ? { body: values } : { query: values };
}

/** True only when the flag at `path` is present and false (`has_more: false`). */
function hasMoreIsFalse(body: unknown, path: string | undefined): boolean {
  if (!path) return false;
  const v = compileJsonPath(path).first(body);
  return v === false || v === 'false' || v === 0;
}
