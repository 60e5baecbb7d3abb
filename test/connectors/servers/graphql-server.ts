import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError, buildSchema, graphql } from 'graphql';

/** Knobs of the GraphQL test server. */
export interface GraphqlServerState {
  /** Nodes whose `secret` field errors (partial data). */
  failingIds: Set<number>;
  /** Remaining GitHub-style rate-limit points; each query costs 1. */
  remaining: number;
  /** Throttle the next N queries Shopify-style (errors with THROTTLED and a cost extension). */
  throttleNext: number;
  /** Add a field to the schema (drift). */
  drift: boolean;
  queries: number;
}

const sdl = (drift: boolean) => `
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Line { sku: String! qty: Int! }
  type Item { id: ID! name: String! updatedAt: String! secret: String lines(first: Int): LineConnection! ${drift ? 'color: String' : ''} }
  type LineConnection { nodes: [Line!]! }
  type ItemEdge { node: Item cursor: String! }
  type ItemConnection { totalCount: Int! pageInfo: PageInfo! edges: [ItemEdge!]! }
  type RateLimit { cost: Int! remaining: Int! resetAt: String! }
  type Shop { items(first: Int!, after: String, since: String): ItemConnection! }
  type Query { items(first: Int!, after: String, since: String): ItemConnection! shop: Shop! rateLimit: RateLimit! }
`;

/** A GraphQL API over node:http with Relay pagination, introspection, partial errors and cost data. */
export async function startGraphqlServer(count = 23) {
  const items = Array.from({ length: count }, (_, i) => ({ id: i + 1, name: `item ${i + 1}`, updatedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }));
  const state: GraphqlServerState = { failingIds: new Set(), remaining: 1000, throttleNext: 0, drift: false, queries: 0 };
  const connection = (args: { first: number; after?: string | null; since?: string | null }) => {
    const list = args.since ? items.filter((i) => i.updatedAt > args.since!) : items;
    const start = args.after ? Number(args.after) : 0;
    const slice = list.slice(start, start + args.first);
    return {
      totalCount: list.length,
      pageInfo: { hasNextPage: start + args.first < list.length, endCursor: String(start + slice.length) },
      edges: slice.map((it, i) => ({
        cursor: String(start + i + 1),
        node: {
          ...it,
          lines: { nodes: [{ sku: `${it.id}-a`, qty: 1 }, { sku: `${it.id}-b`, qty: 2 }] },
          secret: () => {
            if (state.failingIds.has(it.id)) throw new GraphQLError(`secret of ${it.id} unavailable`);
            return 's';
          },
        },
      })),
    };
  };
  const root = {
    items: connection,
    shop: () => ({ items: connection }),
    rateLimit: () => ({ cost: 1, remaining: state.remaining, resetAt: new Date(Date.now() + 1500).toISOString() }),
  };
  const server = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const { query, variables } = JSON.parse(text) as { query: string; variables?: Record<string, unknown> };
    state.queries++;
    res.setHeader('content-type', 'application/json');
    if (state.throttleNext > 0 && !query.includes('__schema')) {
      state.throttleNext--;
      res.end(JSON.stringify({ errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: { cost: { requestedQueryCost: 50, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 10, restoreRate: 100 } } } }));
      return;
    }
    if (!query.includes('__schema')) state.remaining = Math.max(0, state.remaining - 1);
    const result = await graphql({ schema: buildSchema(sdl(state.drift)), source: query, rootValue: root, variableValues: variables ?? {} });
    res.end(JSON.stringify(result));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    items,
    state,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
