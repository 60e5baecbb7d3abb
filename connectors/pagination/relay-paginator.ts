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
    next(_state, page) {
      const conn = connection.first(page.body) as { pageInfo?: { hasNextPage?: unknown; endCursor?: unknown }; totalCount?: unknown } | undefined;
      const info = conn?.pageInfo;
      const total = typeof conn?.totalCount === 'number' ? conn.totalCount : undefined;
      const done = !info || info.hasNextPage !== true || typeof info.endCursor !== 'string' || page.recordCount === 0;
      const step = { next: done ? null : { after: info.endCursor as string } };
      return total === undefined ? step : { ...step, reportedTotal: total };
    },
  };
}
