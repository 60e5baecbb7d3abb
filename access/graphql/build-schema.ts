import type { Kysely } from 'kysely';
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLID,
  GraphQLInputObjectType,
  type GraphQLInputFieldConfigMap,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLFieldConfigMap,
  type GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import type { EntityConfig } from '../../config/entities/entity-config.js';
import type { TributaryConfig } from '../../config/tributary-config.js';
import type { Database } from '../../store/database-schema.js';
import { type QueryableColumn, queryableColumns } from '../entity-fields.js';
import { parseOrder, type PageLimits } from '../entity-params.js';
import { parseFilters } from '../entity-filter.js';
import { getEntityRow, listEntityPage } from '../entity-query.js';
import { HttpError } from '../http-error.js';
import { fieldProvenance, sourceRecords } from '../lineage-query.js';
import { type Caller, requireScope } from '../token-auth.js';
import { DateScalar, DateTimeScalar, DecimalScalar, JsonScalar, LongScalar } from './scalars.js';

/** What resolvers get per request. */
export interface GraphqlContext {
  readonly db: Kysely<Database>;
  readonly caller: Caller;
}

const SCALARS: Record<QueryableColumn['type'], GraphQLScalarType> = {
  string: GraphQLString,
  integer: LongScalar,
  decimal: DecimalScalar,
  boolean: GraphQLBoolean,
  timestamp: DateTimeScalar,
  date: DateScalar,
  json: JsonScalar,
};

/**
 * A GraphQL schema generated from the entity config. Per entity (`customer` → type `Customer`):
 *
 * ```graphql
 * type Query {
 *   customer(key: ID!): Customer
 *   customers(first: Int, after: String, filter: CustomerFilter, orderBy: [CustomerOrder!], updatedSince: DateTime): CustomerConnection!
 * }
 * type CustomerConnection { edges: [CustomerEdge!]!  nodes: [Customer!]!  pageInfo: PageInfo! }
 * input CustomerFilter { email: StringFilter  plan: StringFilter  ...  and: [CustomerFilter!] }
 * ```
 *
 * Fields are typed by their config type; `_provenance` and `_source_records` are JSON. Filters
 * and pagination run through the same validated SQL as the REST API.
 */
export function buildGraphqlSchema(config: TributaryConfig, limits: PageLimits): GraphQLSchema {
  const pageInfo = new GraphQLObjectType({
    name: 'PageInfo',
    fields: { hasNextPage: { type: new GraphQLNonNull(GraphQLBoolean) }, endCursor: { type: GraphQLString } },
  });
  const filterInputs = new Map<string, GraphQLInputObjectType>();
  const filterInput = (column: QueryableColumn): GraphQLInputObjectType => {
    const scalar = SCALARS[column.type];
    const name = column.array ? `${scalar.name}ListFilter` : `${scalar.name}Filter`;
    let input = filterInputs.get(name);
    if (input) return input;
    const fields: GraphQLInputFieldConfigMap = { isNull: { type: GraphQLBoolean, description: 'true: no value; false: has a value.' } };
    if (column.array) fields.contains = { type: scalar, description: 'The list holds this value.' };
    else if (column.type === 'json') Object.assign(fields, { eq: { type: scalar }, ne: { type: scalar } });
    else if (column.type === 'boolean') Object.assign(fields, { eq: { type: scalar }, ne: { type: scalar } });
    else {
      for (const op of ['eq', 'ne', 'lt', 'lte', 'gt', 'gte']) fields[op] = { type: scalar };
      fields.in = { type: new GraphQLList(new GraphQLNonNull(scalar)) };
      if (column.type === 'string') Object.assign(fields, { like: { type: GraphQLString, description: '* matches any text.' }, ilike: { type: GraphQLString, description: 'like, ignoring case.' } });
    }
    input = new GraphQLInputObjectType({ name, fields });
    filterInputs.set(name, input);
    return input;
  };

  const query: GraphQLFieldConfigMap<unknown, GraphqlContext> = {};
  for (const [name, entity] of Object.entries(config.entities)) {
    const typeName = pascal(name);
    const columns = queryableColumns(entity);
    const nodeType = new GraphQLObjectType<Record<string, unknown>, GraphqlContext>({
      name: typeName,
      description: entity.doc ?? `A merged ${name}.`,
      fields: () => {
        const fields: GraphQLFieldConfigMap<Record<string, unknown>, GraphqlContext> = {};
        for (const c of columns.values()) {
          const base = c.name === '_key' ? GraphQLID : SCALARS[c.type];
          const type = c.array ? new GraphQLList(new GraphQLNonNull(base)) : base;
          fields[c.name] = { type: c.name === '_key' || c.name === '_last_changed' ? new GraphQLNonNull(type) : type, ...(c.doc ? { description: c.doc } : {}) };
        }
        fields._provenance = { type: JsonScalar, description: 'Per field: the value and the source record(s) that supplied it.', resolve: async (row, _a, ctx) => fieldProvenance(entity, (await getEntityRow(ctx.db, name, entity, row._key as string)) ?? row) };
        fields._source_records = { type: JsonScalar, description: 'The contributing source records with their latest raw payload.', resolve: (row, _a, ctx) => sourceRecords(ctx.db, name, row._key as string) };
        return fields;
      },
    });
    const filterType: GraphQLInputObjectType = new GraphQLInputObjectType({
      name: `${typeName}Filter`,
      fields: () => ({ ...Object.fromEntries([...columns.values()].map((c) => [c.name, { type: filterInput(c) }])), and: { type: new GraphQLList(new GraphQLNonNull(filterType)), description: 'All of these must hold too.' } }),
    });
    const sortable = [...columns.values()].filter((c) => !c.array && c.type !== 'json');
    const orderField = new GraphQLEnumType({ name: `${typeName}OrderField`, values: Object.fromEntries(sortable.map((c) => [c.name, { value: c.name }])) });
    const orderType = new GraphQLInputObjectType({ name: `${typeName}Order`, fields: { field: { type: new GraphQLNonNull(orderField) }, desc: { type: GraphQLBoolean, defaultValue: false } } });
    const edge = new GraphQLObjectType({ name: `${typeName}Edge`, fields: { cursor: { type: new GraphQLNonNull(GraphQLString) }, node: { type: new GraphQLNonNull(nodeType) } } });
    const connection = new GraphQLObjectType({
      name: `${typeName}Connection`,
      fields: { edges: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(edge))) }, nodes: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(nodeType))) }, pageInfo: { type: new GraphQLNonNull(pageInfo) } },
    });

    query[name] = {
      type: nodeType,
      args: { key: { type: new GraphQLNonNull(GraphQLID) } },
      resolve: async (_root, args: { key: string }, ctx) => {
        requireScope(ctx.caller, `${name}:read`);
        const row = await getEntityRow(ctx.db, name, entity, args.key);
        return row && row._deleted_at === null ? row : null;
      },
    };
    query[plural(name, config)] = {
      type: new GraphQLNonNull(connection),
      description: `Merged ${name} rows in a stable keyset order (default: by _last_changed), ${limits.defaultPageSize} per page unless first says otherwise (at most ${limits.maxPageSize}).`,
      args: {
        first: { type: GraphQLInt },
        after: { type: GraphQLString },
        filter: { type: filterType },
        orderBy: { type: new GraphQLList(new GraphQLNonNull(orderType)) },
        updatedSince: { type: DateTimeScalar },
      },
      resolve: async (_root, args: ConnectionArgs, ctx) => {
        requireScope(ctx.caller, `${name}:read`);
        const first = args.first ?? limits.defaultPageSize;
        if (!Number.isInteger(first) || first < 1 || first > limits.maxPageSize) throw new HttpError(400, `first must be from 1 to ${limits.maxPageSize}`);
        if (args.updatedSince !== undefined && args.updatedSince !== null && Number.isNaN(Date.parse(args.updatedSince))) throw new HttpError(400, 'updatedSince must be an ISO 8601 timestamp');
        const order = args.orderBy?.length ? parseOrder(args.orderBy.map((o) => `${o.field}.${o.desc ? 'desc' : 'asc'}`).join(','), columns) : parseOrder(undefined, columns);
        const page = await listEntityPage(ctx.db, name, entity, {
          select: [...columns.keys()],
          filters: parseFilters(filterParams(args.filter, columns), columns),
          order,
          limit: first,
          ...(args.updatedSince ? { updatedSince: new Date(args.updatedSince) } : {}),
          ...(args.after ? { after: args.after } : {}),
        });
        return {
          nodes: page.rows,
          edges: page.rows.map((node, i) => ({ node, cursor: page.cursorAt(i) })),
          pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.rows.length > 0 ? page.cursorAt(page.rows.length - 1) : null },
        };
      },
    };
  }
  if (Object.keys(query).length === 0) query._empty = { type: GraphQLString, description: 'No entities are configured.', resolve: () => null };
  return new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: query }) });
}

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  filter?: FilterArg | null;
  orderBy?: Array<{ field: string; desc?: boolean | null }> | null;
  updatedSince?: string | null;
}
type FilterArg = Record<string, Record<string, unknown> | FilterArg[] | null | undefined>;

/** GraphQL filter objects → the REST `field=op.value` pairs, so both APIs share one validator. */
function filterParams(filter: FilterArg | null | undefined, columns: ReadonlyMap<string, QueryableColumn>): Array<[string, string]> {
  if (!filter) return [];
  const out: Array<[string, string]> = [];
  for (const [field, ops] of Object.entries(filter)) {
    if (!ops) continue;
    if (field === 'and') {
      for (const sub of ops as FilterArg[]) out.push(...filterParams(sub, columns));
      continue;
    }
    const json = columns.get(field)?.type === 'json';
    const text = (v: unknown) => (json ? JSON.stringify(v) : String(v));
    for (const [op, value] of Object.entries(ops as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      if (op === 'isNull') out.push([field, value ? 'is.null' : 'is.not_null']);
      else if (op === 'contains') out.push([field, `cs.${text(value)}`]);
      else if (op === 'in') out.push([field, `in.(${(value as unknown[]).map((v) => `"${text(v).replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')})`]);
      else out.push([field, `${op}.${text(value)}`]);
    }
  }
  return out;
}

/** `customer_note` → `CustomerNote`. */
export function pascal(name: string): string {
  return name.replace(/(^|_)([a-z0-9])/g, (_m, _u, ch: string) => ch.toUpperCase());
}

/** The list field of an entity: `customers`; `customer_list` when the plural collides with another entity. */
function plural(name: string, config: TributaryConfig): string {
  const p = name.endsWith('s') ? `${name}es` : name.endsWith('y') && !/[aeiou]y$/.test(name) ? `${name.slice(0, -1)}ies` : `${name}s`;
  return config.entities[p] ? `${name}_list` : p;
}

/** The list field name of an entity in the GraphQL schema. */
export function listFieldName(name: string, config: TributaryConfig): string {
  return plural(name, config);
}

export type { EntityConfig };
