import type { RestPaginationConfig } from '../../config/sources/pagination-config.js';
import { detectPagination } from './detect-pagination.js';
import type { PaginationState, Paginator } from './paginator.js';
import { createRestPaginator } from './rest-paginators.js';

/**
 * `auto`: the first page is requested plainly; its response picks the scheme, which is then
 * kept in the pagination state (`auto` key, as JSON) so the next pages and a resumed fetch
 * use the same one. Each step reports `auto:<scheme>`.
 */
export function autoPaginator(c: Extract<RestPaginationConfig, { type: 'auto' }>): Paginator {
  const split = (state: PaginationState | null) => {
    if (!state || typeof state.auto !== 'string') return undefined;
    const { auto, ...inner } = state;
    const config = JSON.parse(auto as string) as Parameters<typeof createRestPaginator>[0];
    return { config, paginator: createRestPaginator(config), inner: Object.keys(inner).length > 0 ? inner : null };
  };
  return {
    type: 'auto',
    request(state) {
      const detected = split(state);
      return detected ? detected.paginator.request(detected.inner) : {};
    },
    next(state, page) {
      let detected = split(state);
      if (!detected) {
        const found = detectPagination(page, { cursorParam: c.cursorParam, allowCrossOrigin: c.allowCrossOrigin });
        detected = { config: found.config, paginator: createRestPaginator(found.config), inner: null };
      }
      const step = detected.paginator.next(detected.inner, page);
      const next = step.next === null ? null : { ...step.next, auto: JSON.stringify(detected.config) };
      return { ...step, next, paginationType: `auto:${detected.config.type}` };
    },
  };
}

/** The paginator for any REST pagination config, `auto` included. */
export function createPaginator(c: RestPaginationConfig): Paginator {
  return c.type === 'auto' ? autoPaginator(c) : createRestPaginator(c);
}
