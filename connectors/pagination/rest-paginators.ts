import type { RestPaginationConfig } from '../../config/sources/pagination-config.js';
import { compileJsonPath } from '../../core/json-path.js';
import { parseLinkHeader } from './link-header.js';
import type { PageRequestPatch, PageStep, PaginationState, Paginator } from './paginator.js';
import { readNumber } from './read-number.js';

type Config<T extends RestPaginationConfig['type']> = Extract<RestPaginationConfig, { type: T }>;

/** One request only. */
export function singlePage(c: { totalPath?: string | undefined } = {}): Paginator {
  return { type: 'single', request: () => ({}), next: (_state, page) => withTotal({ next: null }, readNumber(page.body, c.totalPath)) };
}

/**
 * Whether a page that came back shorter than requested ends the stream, when the body gives no
 * total or `has_more`. A server may cap its page size below the one configured without saying
 * so: the cap is learned as the largest page seen (kept in the state as `cap`). A short page
 * ends the stream only when it is shorter than an earlier page; a first short page, or one as
 * long as the earlier ones, is followed by one more request (an empty page then ends it).
 */
function shortPageEnds(recordCount: number, requested: number | undefined, cap: number | undefined): boolean {
  if (requested === undefined || recordCount >= requested) return false;
  return cap !== undefined && recordCount < cap;
}

/** What the upstream itself says about more pages: true (has_more, a total not reached), false, or undefined (silent). */
function upstreamSaysMore(body: unknown, hasMorePath: string | undefined, seen: number, reportedTotal: number | undefined): boolean | undefined {
  const flag = hasMoreFlag(body, hasMorePath);
  if (flag !== undefined) return flag;
  if (reportedTotal !== undefined) return seen < reportedTotal;
  return undefined;
}

/**
 * `?page=N`: advances while the upstream says more remain (`has_more`, a page count or total not
 * reached); without such a signal, until an empty page or a page shorter than the earlier ones
 * (a server-side size cap is followed, not trusted from `size`).
 */
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
      const cap = state?.cap as number | undefined;
      let more = upstreamSaysMore(page.body, c.hasMorePath, seen, reportedTotal);
      if (totalPages !== undefined && more !== false) more = current - c.start + 1 < totalPages;
      const done = page.recordCount === 0 || (more === undefined ? shortPageEnds(page.recordCount, c.size, cap) : !more);
      const pageCap = Math.max(cap ?? 0, page.recordCount);
      const last = lastPageOf(c.start, totalPages, reportedTotal, pageCap) ?? (state?.last as number | undefined);
      const next = { page: current + 1, seen, cap: pageCap, ...(last === undefined ? {} : { last }) };
      return withTotal({ next: done ? null : next }, reportedTotal);
    },
    ahead(state, count) {
      const size = state.cap as number | undefined;
      const last = state.last as number | undefined;
      if (!size || last === undefined) return [];
      return successors(state, count, (s) => ((s.page as number) + 1 <= last ? { ...s, page: (s.page as number) + 1, seen: (s.seen as number) + size } : undefined));
    },
  };
}

/** The last page number, from a page count or a total and the page size seen (undefined: not known). */
function lastPageOf(start: number, totalPages: number | undefined, total: number | undefined, size: number): number | undefined {
  if (totalPages !== undefined) return start + totalPages - 1;
  if (total !== undefined && size > 0) return start + Math.ceil(total / size) - 1;
  return undefined;
}

/**
 * `?offset=N&limit=M`: the offset advances by the records that arrived, not by `limit`, and
 * paging goes on while the upstream says more remain (`has_more`, a total not reached);
 * without such a signal, until an empty page or a page shorter than the earlier ones (a
 * server that caps pages below `limit` without saying so is followed, not trusted).
 */
export function offsetLimit(c: Config<'offset'>): Paginator {
  return {
    type: 'offset',
    request(state) {
      return place(c.in, { [c.offsetParam]: (state?.offset as number | undefined) ?? 0, [c.limitParam]: c.limit });
    },
    next(state, page) {
      const offset = ((state?.offset as number | undefined) ?? 0) + page.recordCount;
      const cap = state?.cap as number | undefined;
      const reportedTotal = readNumber(page.body, c.totalPath);
      const more = upstreamSaysMore(page.body, c.hasMorePath, offset, reportedTotal);
      const done = page.recordCount === 0 || (more === undefined ? shortPageEnds(page.recordCount, c.limit, cap) : !more);
      const total = reportedTotal ?? (state?.total as number | undefined);
      return withTotal({ next: done ? null : { offset, cap: Math.max(cap ?? 0, page.recordCount), ...(total === undefined ? {} : { total }) } }, reportedTotal);
    },
    ahead(state, count) {
      const size = state.cap as number | undefined;
      const total = state.total as number | undefined;
      if (!size || total === undefined) return [];
      return successors(state, count, (s) => ((s.offset as number) + size < total ? { ...s, offset: (s.offset as number) + size } : undefined));
    },
  };
}

/**
 * A cursor from the body, sent back as a query parameter or body field. A missing cursor while
 * `has_more` is true cannot be followed: the step says so (`incomplete`).
 */
export function cursor(c: Config<'cursor'>): Paginator {
  const cursorPath = compileJsonPath(c.cursorPath);
  return {
    type: 'cursor',
    request(state) {
      const value = state?.cursor as string | undefined;
      if (value === undefined) return {};
      return place(c.in, { [c.param]: value });
    },
    next(state, page) {
      const value = cursorPath.first(page.body);
      const total = readNumber(page.body, c.totalPath);
      const flag = hasMoreFlag(page.body, c.hasMorePath);
      const missing = value === undefined || value === null || value === '';
      if (missing) return withTotal({ next: null, ...(flag === true ? { incomplete: `has_more is true but there is no cursor at ${c.cursorPath}` } : {}) }, total);
      // An empty page ends paging unless the upstream insists on more with a new cursor (filtered pages can be empty).
      const moved = String(value) !== state?.cursor;
      const done = flag === false || (page.recordCount === 0 && !(flag === true && moved));
      return withTotal({ next: done ? null : { cursor: String(value) } }, total);
    },
  };
}

/** The next page's URL from the body; `has_more` true without a URL is `incomplete`. */
export function nextUrl(c: Config<'next_url'>): Paginator {
  const path = compileJsonPath(c.nextUrlPath);
  return {
    type: 'next_url',
    request: (state) => (state?.url ? { url: state.url as string } : {}),
    next(state, page) {
      const value = path.first(page.body);
      const total = readNumber(page.body, c.totalPath);
      const flag = hasMoreFlag(page.body, c.hasMorePath);
      if (typeof value !== 'string' || value === '') {
        return withTotal({ next: null, ...(flag === true ? { incomplete: `has_more is true but there is no next URL at ${c.nextUrlPath}` } : {}) }, total);
      }
      const url = new URL(value, page.url).toString();
      const done = flag === false || (page.recordCount === 0 && !(flag === true && url !== state?.url));
      return withTotal({ next: done ? null : { url } }, total);
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

/** Up to `count` states after `state`, each `next` of the one before, until `next` says the end. */
function successors(state: PaginationState, count: number, next: (s: PaginationState) => PaginationState | undefined): PaginationState[] {
  const out: PaginationState[] = [];
  for (let s = next(state); s !== undefined && out.length < count; s = next(s)) out.push(s);
  return out;
}

function withTotal(step: { next: PaginationState | null; incomplete?: string }, reportedTotal: number | undefined): PageStep {
  return reportedTotal === undefined ? step : { ...step, reportedTotal };
}

/** Page parameters as query parameters or JSON body fields (POST-paginated endpoints). */
function place(where: 'query' | 'body', values: Record<string, string | number>): PageRequestPatch {
  return where === 'body' ? { body: values } : { query: values };
}

/** The `has_more`-style flag at `path`: true, false, or undefined when absent or not a flag. */
function hasMoreFlag(body: unknown, path: string | undefined): boolean | undefined {
  if (!path) return undefined;
  const v = compileJsonPath(path).first(body);
  if (v === true || v === 'true' || v === 1) return true;
  if (v === false || v === 'false' || v === 0) return false;
  return undefined;
}
