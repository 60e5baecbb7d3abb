import { compileJsonPath } from '../../core/json-path.js';
import type { Paginator } from './paginator.js';

/**
 * GraphQL Relay connections: `$first`/`$after` variables, `pageInfo { hasNextPage endCursor }`
 * read from the connection object at `connectionPath`.
 */
export function relayPaginator(c: { connectionPath: string; pageSize: number }): Paginator {
  const connection = compileJsonPath(c.connectionPath);
  return {
    type: 'relay',
    request(state) {
      return { body: { first: c.pageSize, after: (state?.after as string | undefined) ?? null } };
    },
    next(state, page) {
      const conn = connection.first(page.body) as { pageInfo?: { hasNextPage?: unknown; endCursor?: unknown }; totalCount?: unknown } | undefined;
      const info = conn?.pageInfo;
      const total = typeof conn?.totalCount === 'number' ? conn.totalCount : undefined;
      const more = info?.hasNextPage === true;
      const cursor = typeof info?.endCursor === 'string' && info.endCursor !== '' ? info.endCursor : undefined;
      const moved = cursor !== undefined && cursor !== state?.after;
      // An empty page with hasNextPage and a new cursor is followed (filtered connections can be empty).
      const done = !more || cursor === undefined || (page.recordCount === 0 && !moved);
      const step = {
        next: done ? null : { after: cursor },
        ...(more && cursor === undefined ? { incomplete: `hasNextPage is true but pageInfo.endCursor is missing at ${c.connectionPath}` } : {}),
      };
      return total === undefined ? step : { ...step, reportedTotal: total };
    },
  };
}
