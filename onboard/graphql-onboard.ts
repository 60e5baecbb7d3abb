import { type GraphQLField, type GraphQLNamedType, type GraphQLObjectType, type GraphQLOutputType, type GraphQLSchema, getNamedType, isEnumType, isListType, isNonNullType, isObjectType, isScalarType } from 'graphql';
import { didYouMean } from '../config/config-error.js';
import { type OnboardNames, type OnboardPlan, OnboardError, entityNameOf, entitySkeleton } from './onboard-plan.js';
import { type InferredField, MAX_FIELDS, fieldNameOf, propertyPath } from './record-schema.js';

/** How onboarding was asked to read a GraphQL schema. */
export interface GraphqlOnboardOptions extends Partial<OnboardNames> {
  /** The endpoint's URL (for the source config). */
  readonly url: string;
  /** The connection to read: a query field (`customers`) or a path to one (`organization.repositories`). */
  readonly field: string;
  /** Arguments of the fields on the way, by name (`login=octokit`); strings, numbers and booleans. */
  readonly args?: Readonly<Record<string, string>>;
  /** Auth of the source, when the endpoint needs one (the same the introspection used). */
  readonly auth?: Record<string, unknown>;
  /** Environment variables `auth` reads. */
  readonly secrets?: readonly string[];
}

type AnyField = GraphQLField<unknown, unknown>;

/**
 * Infers a GraphQL source whose stream pages through a Relay connection: the query (the path to
 * the connection with its required arguments, `first`/`after` variables, `pageInfo`, and every
 * scalar and enum field of the node), the connection path, the primary key (`id`) and an entity
 * skeleton typed from the node's fields.
 */
export function onboardGraphql(schema: GraphQLSchema, opts: GraphqlOnboardOptions): OnboardPlan {
  const query = schema.getQueryType();
  if (!query) throw new OnboardError('the schema has no query type');
  const steps = opts.field.split('.').filter(Boolean);
  const chain: AnyField[] = [];
  let parent: GraphQLNamedType = query;
  for (const step of steps) {
    if (!isObjectType(parent)) throw new OnboardError(`${chain.map((f) => f.name).join('.')} is not an object: it has no field "${step}"`);
    const fields: Record<string, AnyField> = parent.getFields();
    const field: AnyField | undefined = fields[step];
    if (!field) throw new OnboardError(`${parent.name} has no field "${step}"${didYouMean(step, Object.keys(fields))}; connections there: ${connectionsOf(parent).join(', ') || '(none)'}`);
    chain.push(field);
    parent = getNamedType(field.type) as GraphQLNamedType;
  }
  const connection = chain[chain.length - 1]!;
  const node = nodeTypeOf(connection.type);
  if (!node) {
    const options = isObjectType(parent) ? connectionsOf(parent) : [];
    throw new OnboardError(`${opts.field} is not a Relay connection (with pageInfo and nodes or edges)${options.length ? `; its connections: ${options.map((o) => `${opts.field}.${o}`).join(', ')}` : ''}`);
  }
  const notes: string[] = [];
  const important = /^(id|updatedAt|updated_at|name|email|title)$/;
  const all = Object.values(node.getFields()).filter((f) => isScalarLike(f.type) && !f.args.some((a) => isNonNullType(a.type)));
  // The key, the update time and the names first, so the cap never drops them.
  const scalars = [...all.filter((f) => important.test(f.name)), ...all.filter((f) => !important.test(f.name))];
  const selected = scalars.slice(0, MAX_FIELDS);
  if (scalars.length > selected.length) notes.push(`the node has ${scalars.length} scalar fields; the query selects the first ${MAX_FIELDS}`);
  const idField = selected.find((f) => f.name === 'id') ?? selected.find((f) => (getNamedType(f.type) as GraphQLNamedType).name === 'ID') ?? selected[0];
  const args = (field: AnyField, last: boolean): string => {
    const given = field.args
      .filter((a) => opts.args?.[a.name] !== undefined || (isNonNullType(a.type) && !last))
      .map((a: AnyField['args'][number]) => {
        const value = opts.args?.[a.name];
        if (value === undefined) throw new OnboardError(`${field.name} needs the argument ${a.name}: pass --arg ${a.name}=<value>`);
        return `${a.name}: ${literal(value, (getNamedType(a.type) as GraphQLNamedType).name)}`;
      });
    const required = last ? field.args.filter((a) => isNonNullType(a.type) && !['first', 'after'].includes(a.name) && opts.args?.[a.name] === undefined) : [];
    if (required.length > 0) throw new OnboardError(`${field.name} needs the argument ${required[0]!.name}: pass --arg ${required[0]!.name}=<value>`);
    const paging = last ? ['first: $first', 'after: $after'] : [];
    const all = [...paging, ...given.filter((g) => !/^(first|after):/.test(g))];
    return all.length > 0 ? `(${all.join(', ')})` : '';
  };
  const usesNodes = isObjectType(getNamedType(connection.type)) && 'nodes' in (getNamedType(connection.type) as GraphQLObjectType).getFields();
  const depth = chain.length;
  const pad = (n: number) => '  '.repeat(n);
  const lines: string[] = [];
  for (let i = 0; i < chain.length; i++) lines.push(`${pad(i + 1)}${chain[i]!.name}${args(chain[i]!, i === chain.length - 1)} {`);
  lines.push(`${pad(depth + 1)}pageInfo { hasNextPage endCursor }`);
  const open = usesNodes ? ['nodes {'] : ['edges {', '  node {'];
  lines.push(...open.map((o) => `${pad(depth + 1)}${o}`));
  const fieldPad = pad(depth + (usesNodes ? 2 : 3));
  for (let i = 0; i < selected.length; i += 6) lines.push(`${fieldPad}${selected.slice(i, i + 6).map((f) => f.name).join(' ')}`);
  lines.push(...[...open].reverse().map((o) => `${pad(depth + 1)}${o.startsWith('  ') ? '  }' : '}'}`));
  for (let i = chain.length; i >= 1; i--) lines.push(`${pad(i)}}`);
  const operation = fieldNameOf(steps.join('_')).replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
  const queryText = `query ${operation}($first: Int!, $after: String) {\n${lines.join('\n')}\n}\n`;

  const sourceName = opts.sourceName ?? (hostLabel(opts.url) || 'graphql');
  const streamName = opts.streamName ?? fieldNameOf(connection.name);
  const ref = `${sourceName}.${streamName}`;
  const fields: InferredField[] = selected.map((f) => ({ name: fieldNameOf(f.name), property: f.name, ...fieldTypeOf(f.type), path: propertyPath(f.name) }));
  const updated = selected.find((f) => /^(updatedAt|updated_at|modifiedAt|lastModified)$/.test(f.name));
  const skeleton = entitySkeleton(ref, fields, idField?.name, updated?.name);
  return {
    sourceName,
    source: {
      type: 'graphql',
      url: opts.url,
      ...(opts.auth ? { auth: opts.auth } : {}),
      streams: { [streamName]: { query: queryText, connectionPath: `$.data.${steps.join('.')}`, pageSize: 50, primaryKey: idField ? propertyPath(idField.name) : '$.id' } },
    },
    streamName,
    entityName: opts.entityName ?? entityNameOf(streamName),
    entity: skeleton.entity,
    pipeline: { schedule: { every: '1h' }, sources: [sourceName] },
    secrets: opts.secrets ?? [],
    notes: [`the ${opts.field} connection of ${node.name}: ${selected.length} fields`, ...notes, ...skeleton.notes],
  };
}

/** The node type of a Relay connection type (`nodes: [T]` or `edges: [{ node: T }]`, with `pageInfo`). */
function nodeTypeOf(type: GraphQLOutputType): GraphQLObjectType | undefined {
  const named = getNamedType(type);
  if (!isObjectType(named)) return undefined;
  const fields = named.getFields();
  if (!fields.pageInfo) return undefined;
  const nodes = fields.nodes ? getNamedType(fields.nodes.type) : undefined;
  if (nodes && isObjectType(nodes)) return nodes;
  const edge = fields.edges ? getNamedType(fields.edges.type) : undefined;
  const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
  const t = node ? getNamedType(node.type) : undefined;
  return t && isObjectType(t) ? t : undefined;
}

function connectionsOf(type: GraphQLNamedType): string[] {
  if (!isObjectType(type)) return [];
  return Object.values(type.getFields())
    .filter((f) => nodeTypeOf(f.type) !== undefined)
    .map((f) => f.name)
    .slice(0, 12);
}

function isScalarLike(type: GraphQLOutputType): boolean {
  const named = getNamedType(type);
  return isScalarType(named) || isEnumType(named);
}

function fieldTypeOf(type: GraphQLOutputType): { type: InferredField['type']; array: boolean } {
  const unwrapped = isNonNullType(type) ? type.ofType : type;
  const array = isListType(unwrapped);
  const name = (getNamedType(type) as GraphQLNamedType).name;
  const t: InferredField['type'] = name === 'Int' ? 'integer' : name === 'Float' ? 'decimal' : name === 'Boolean' ? 'boolean' : /DateTime|Timestamp/i.test(name) ? 'timestamp' : /^Date$/i.test(name) ? 'date' : /JSON/i.test(name) ? 'json' : 'string';
  return { type: t, array: array && t !== 'json' };
}

function literal(value: string, typeName: string): string {
  if (typeName === 'Int' || typeName === 'Float' || typeName === 'Boolean') return value;
  return JSON.stringify(value);
}

/** The API's domain name (`api.github.com` → `github`), or '' for an address or localhost. */
function hostLabel(url: string): string {
  try {
    const host = new URL(url).hostname;
    const labels = /^[\d.]+$|^localhost$|^\[/.test(host) ? [] : host.split('.');
    return labels.length >= 2 ? fieldNameOf(labels[labels.length - 2]!) : '';
  } catch {
    return '';
  }
}
