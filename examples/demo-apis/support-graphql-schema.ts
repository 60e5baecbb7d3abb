import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { createSchema } from 'graphql-yoga';
import type { DemoDataset, SupportCustomer } from './demo-records.js';
import { decodeCursor, encodeCursor } from './opaque-cursor.js';

/** Page size when `first` is absent. */
export const SUPPORT_DEFAULT_FIRST = 20;
/** Largest `first`; more is a GraphQL error, as on GitHub's and Shopify's APIs. */
export const SUPPORT_MAX_FIRST = 100;

/** The support desk's GraphQL schema (SDL). */
export const SUPPORT_TYPE_DEFS = /* GraphQL */ `
  "An ISO 8601 date-time, e.g. 2026-09-14T08:30:00.000Z."
  scalar DateTime

  enum Tier {
    STANDARD
    PRIORITY
  }

  type Organization {
    name: String!
    domain: String
  }

  type Customer {
    id: ID!
    email: String
    displayName: String!
    phone: String
    tier: Tier!
    openTickets: Int!
    organization: Organization
    updatedAt: DateTime!
  }

  type CustomerEdge {
    node: Customer!
    cursor: String!
  }

  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }

  type CustomerConnection {
    edges: [CustomerEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type Query {
    "Customers ordered by id; \`updatedSince\` keeps those updated at or after the instant."
    customers(first: Int = ${SUPPORT_DEFAULT_FIRST}, after: String, updatedSince: DateTime): CustomerConnection!
    customer(id: ID!): Customer
  }
`;

const cursorKind = 'support.customers';

function parseDateTime(value: unknown): Date {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  throw new GraphQLError(`DateTime must be an ISO 8601 date-time string, got ${JSON.stringify(value)}`);
}

/** `DateTime` travels as an ISO string; resolvers see a `Date`. */
const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (value) => (value instanceof Date ? value : parseDateTime(value)).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime literals must be strings');
    return parseDateTime(ast.value);
  },
});

/** The executable support-desk schema over `dataset.support.customers` (read afresh per query). */
export function createSupportSchema(dataset: DemoDataset) {
  return createSchema({
    typeDefs: SUPPORT_TYPE_DEFS,
    resolvers: {
      DateTime,
      Tier: { STANDARD: 'standard', PRIORITY: 'priority' },
      Query: {
        customers: (_: unknown, args: { first?: number | null; after?: string | null; updatedSince?: Date | null }) => customersConnection(dataset, args),
        customer: (_: unknown, args: { id: string }) => dataset.support.customers.find((c) => c.id === args.id) ?? null,
      },
    },
  });
}

function customersConnection(dataset: DemoDataset, args: { first?: number | null; after?: string | null; updatedSince?: Date | null }) {
  const first = args.first ?? SUPPORT_DEFAULT_FIRST;
  if (first < 0 || first > SUPPORT_MAX_FIRST) {
    throw new GraphQLError(`first must be between 0 and ${SUPPORT_MAX_FIRST}, got ${first}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  let after: string | undefined;
  if (args.after) {
    after = decodeCursor(cursorKind, args.after);
    if (after === undefined) throw new GraphQLError('after is not a valid cursor', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  const since = args.updatedSince?.getTime();
  // totalCount counts the whole filtered set, not what is left after the cursor (as GitHub does).
  const filtered = dataset.support.customers
    .filter((c) => since === undefined || Date.parse(c.updatedAt) >= since)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const remaining = after === undefined ? filtered : filtered.filter((c) => c.id > after);
  const page: SupportCustomer[] = remaining.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(cursorKind, node.id) }));
  return {
    edges,
    pageInfo: { hasNextPage: remaining.length > page.length, endCursor: edges[edges.length - 1]?.cursor ?? null },
    totalCount: filtered.length,
  };
}
