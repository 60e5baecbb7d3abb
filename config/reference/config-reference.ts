import { z } from 'zod';
import { accessSchema } from '../access-config.js';
import { alertsSchema } from '../alerts-config.js';
import { authSchema } from '../sources/auth-config.js';
import { entityFieldSchema, entitySchema, entitySourceMappingSchema, matchKeySchema, timestampFormatSchema, transformSchema } from '../entities/entity-config.js';
import { graphqlSourceSchema, graphqlStreamSchema } from '../sources/graphql-source-config.js';
import { incrementalSchema } from '../sources/incremental-config.js';
import { restPaginationSchema } from '../sources/pagination-config.js';
import { pipelineSchema, scheduleSchema } from '../pipeline-config.js';
import { valuePredicateSchema } from '../entities/predicate-config.js';
import { parentSchema, restSourceSchema, restStreamSchema } from '../sources/rest-source-config.js';
import { retentionSchema } from '../retention-config.js';
import { mergeSchema } from '../merge-config.js';
import { rateLimitSchema, retrySchema } from '../sources/stream-limits.js';
import { tributaryConfigSchema } from '../tributary-config.js';

/** A JSON Schema node, as `z.toJSONSchema` writes it. */
interface JsonSchema {
  readonly type?: string | string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly additionalProperties?: JsonSchema | boolean;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly $ref?: string;
  readonly format?: string;
  readonly pattern?: string;
}

/** One worked example of a config part, checked by the reference's test. */
export interface ReferenceExample {
  /** Where it goes: `auth`, `pagination`, or `config` (a whole file). */
  readonly kind: 'auth' | 'pagination';
  readonly type: string;
  readonly yaml: string;
}

/** A worked example for every auth and pagination type (each validated by `config-reference.test.ts`). */
export const REFERENCE_EXAMPLES: readonly ReferenceExample[] = [
  { kind: 'auth', type: 'none', yaml: 'auth: { type: none }' },
  { kind: 'auth', type: 'api_key', yaml: 'auth: { type: api_key, in: header, name: X-API-Key, value: env:CRM_API_KEY }' },
  { kind: 'auth', type: 'bearer', yaml: 'auth: { type: bearer, token: env:GITHUB_TOKEN }' },
  { kind: 'auth', type: 'basic', yaml: 'auth: { type: basic, username: reporting, password: file:/run/secrets/api-password }' },
  {
    kind: 'auth',
    type: 'oauth2_client_credentials',
    yaml: 'auth:\n  type: oauth2_client_credentials\n  tokenUrl: https://login.example.com/oauth/token\n  clientId: env:BILLING_CLIENT_ID\n  clientSecret: env:BILLING_CLIENT_SECRET\n  scope: read:customers',
  },
  { kind: 'auth', type: 'headers', yaml: "auth: { type: headers, headers: { X-Api-Key: env:KEY, X-Tenant: acme } }" },
  {
    kind: 'auth',
    type: 'oauth2_refresh_token',
    yaml: 'auth:\n  type: oauth2_refresh_token\n  tokenUrl: https://accounts.example.com/oauth2/token\n  clientId: env:CLIENT_ID\n  clientSecret: env:CLIENT_SECRET\n  refreshToken: env:REFRESH_TOKEN',
  },
  {
    kind: 'auth',
    type: 'session',
    yaml: 'auth:\n  type: session\n  login: { url: https://api.example.com/login, body: { user: reporting, password: env:API_PASSWORD } }\n  tokenPath: $.token\n  expiresInPath: $.expires_in',
  },
  { kind: 'pagination', type: 'single', yaml: 'pagination: { type: single }' },
  { kind: 'pagination', type: 'page_number', yaml: 'pagination: { type: page_number, param: page, sizeParam: per_page, size: 100, totalPagesPath: $.total_pages }' },
  { kind: 'pagination', type: 'offset', yaml: 'pagination: { type: offset, offsetParam: offset, limitParam: limit, limit: 200, totalPath: $.total }' },
  { kind: 'pagination', type: 'cursor', yaml: "pagination: { type: cursor, cursorPath: '$.data[-1].id', param: starting_after, hasMorePath: $.has_more }" },
  { kind: 'pagination', type: 'next_url', yaml: 'pagination: { type: next_url, nextUrlPath: $.links.next }' },
  { kind: 'pagination', type: 'link_header', yaml: 'pagination: { type: link_header }' },
  { kind: 'pagination', type: 'auto', yaml: 'pagination: { type: auto }' },
];

const toJson = (schema: z.ZodType): JsonSchema => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;

/** A JSON Schema node's type in words, e.g. `string`, `integer ≥ 1`, `one of: a, b`, `list of string`, `map of name → string`. */
function typeOf(s: JsonSchema, defs: Readonly<Record<string, JsonSchema>>): string {
  if (s.$ref) return typeOf(defs[s.$ref.replace(/^#\/\$defs\//, '')] ?? {}, defs);
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return `one of: ${s.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  const options = s.anyOf ?? s.oneOf;
  if (options) {
    // Options told apart by `type` (auth, pagination, sources): name the types, each has its own section.
    const types = options.map((o) => resolveRef(o, defs).properties?.type?.const);
    if (types.every((t) => t !== undefined)) return `object by \`type\`: ${types.map((t) => `\`${String(t)}\``).join(', ')}`;
    return [...new Set(options.map((o) => typeOf(o, defs)))].join(' or ');
  }
  const type = Array.isArray(s.type) ? s.type.join(' or ') : s.type;
  if (type === 'array') return `list of ${s.items ? typeOf(s.items, defs) : 'values'}`;
  if (type === 'object') {
    if (s.properties && Object.keys(s.properties).length > 0) return 'object';
    if (s.additionalProperties && typeof s.additionalProperties === 'object') return `map of name → ${typeOf(s.additionalProperties, defs)}`;
    return 'object';
  }
  if (type === 'string' && s.format === 'uri') return 'URL';
  return type ?? 'any';
}

function resolveRef(s: JsonSchema, defs: Readonly<Record<string, JsonSchema>>): JsonSchema {
  return s.$ref ? resolveRef(defs[s.$ref.replace(/^#\/\$defs\//, '')] ?? {}, defs) : s;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

/** The table of an object schema's fields: name, type, default (or "required") and description. */
function fieldTable(schema: z.ZodType, skip: readonly string[] = []): string {
  const json = toJson(schema);
  const defs = ((json as { $defs?: Record<string, JsonSchema> }).$defs ?? {}) as Record<string, JsonSchema>;
  const props = Object.entries(json.properties ?? {}).filter(([name]) => !skip.includes(name));
  const rows = props.map(([name, p]) => {
    const required = json.required?.includes(name) && p.default === undefined;
    const dflt = p.default !== undefined ? `\`${JSON.stringify(p.default)}\`` : required ? '**required**' : '';
    return `| \`${name}\` | ${cell(typeOf(p, defs))} | ${dflt} | ${cell(p.description ?? '')} |`;
  });
  return ['| field | type | default | description |', '|---|---|---|---|', ...rows].join('\n');
}

function description(schema: z.ZodType): string {
  return (toJson(schema).description ?? '').trim();
}

/** One section per discriminated option: its description, its fields and its worked example. */
function optionSections(level: string, kind: ReferenceExample['kind'], options: ReadonlyArray<readonly [string, z.ZodType]>): string {
  return options
    .map(([type, schema]) => {
      const example = REFERENCE_EXAMPLES.find((e) => e.kind === kind && e.type === type);
      const doc = description(schema);
      return [`${level} \`type: ${type}\``, '', ...(doc ? [doc, ''] : []), fieldTable(schema, ['type']), '', ...(example ? ['```yaml', example.yaml, '```', ''] : [])].join('\n');
    })
    .join('\n');
}

/** The options of a union discriminated by `type`, with their type names, in the order the union lists them. */
function typedOptions(options: readonly z.ZodType[]): Array<[string, z.ZodType]> {
  return options.map((o) => [String(toJson(o).properties?.type?.const), o]);
}

/**
 * `docs/config-reference.md`: every config field with its type, default and description,
 * grouped by component, generated from the zod schemas that validate configs (the same source
 * as the JSON Schema), with a worked example for every auth and pagination type.
 */
export function renderConfigReference(): string {
  const authTypes = typedOptions(authSchema.options);
  const pagingTypes = typedOptions(restPaginationSchema.options);
  const transforms = toJson(transformSchema).anyOf ?? [];
  const named = transforms.find((t) => t.enum)?.enum ?? [];
  const objectTransforms = transforms.filter((t) => t.properties).map((t) => {
    const [name, body] = Object.entries(t.properties!)[0]!;
    const fields = body.properties ? ` — ${Object.entries(body.properties).map(([k, v]) => `\`${k}\`${v.description ? `: ${cell(v.description)}` : ''}`).join('; ')}` : '';
    return `- \`{ ${name}: ... }\`: ${cell(body.description ?? '')}${fields}`;
  });
  return [
    '# Config reference',
    '',
    '<!-- Generated from the zod schemas by `npm run schema`; do not edit by hand (a test checks it is current). -->',
    '',
    'A Tributary config is one YAML or JSON file with `sources`, `entities` and `pipelines`. Every field',
    'below is checked by `tributary validate`; editors can check it too with',
    '`# yaml-language-server: $schema=./schema/tributary.schema.json` on the first line. Secrets are',
    'references, never values: `env:NAME` or `file:PATH`. Every path is a JSONPath per RFC 9535.',
    '',
    '## Top level',
    '',
    fieldTable(tributaryConfigSchema),
    '',
    '## Sources',
    '',
    '### `type: rest`',
    '',
    fieldTable(restSourceSchema, ['type']),
    '',
    '#### REST streams (`sources.<name>.streams.<stream>`)',
    '',
    fieldTable(restStreamSchema),
    '',
    '#### `parent` (child streams)',
    '',
    description(parentSchema),
    '',
    fieldTable(parentSchema),
    '',
    '#### `incremental`',
    '',
    description(incrementalSchema),
    '',
    fieldTable(incrementalSchema),
    '',
    '### `type: graphql`',
    '',
    fieldTable(graphqlSourceSchema, ['type']),
    '',
    '#### GraphQL streams',
    '',
    fieldTable(graphqlStreamSchema),
    '',
    '### `rateLimit`',
    '',
    fieldTable(rateLimitSchema),
    '',
    '### `retry`',
    '',
    fieldTable(retrySchema),
    '',
    '### Auth (`sources.<name>.auth`)',
    '',
    optionSections('####', 'auth', authTypes),
    '### Pagination (`sources.<name>.streams.<stream>.pagination`, REST)',
    '',
    optionSections('####', 'pagination', pagingTypes),
    '## Entities',
    '',
    fieldTable(entitySchema),
    '',
    '### Fields (`entities.<name>.fields.<field>`)',
    '',
    fieldTable(entityFieldSchema),
    '',
    '### Source mappings (`entities.<name>.sources.<source.stream>`)',
    '',
    fieldTable(entitySourceMappingSchema),
    '',
    'A field mapping is a JSONPath string, or an object with exactly one of `path`, `template`,',
    '`concat` or `coalesce`, then `transforms`. `$parent...` paths read the parent record of a child',
    'mapping; `$sideload.<name>[<key path>]...` reads a side-loaded record.',
    '',
    '### Match keys (`matchOn`)',
    '',
    'A field name, or an external-id map:',
    '',
    fieldTable(matchKeySchema),
    '',
    '### Transforms',
    '',
    `Named: ${named.map((n) => `\`${String(n)}\``).join(', ')}. With options:`,
    '',
    ...objectTransforms,
    '',
    '`parse_timestamp` takes:',
    '',
    fieldTable(timestampFormatSchema),
    '',
    '### Predicates (`deletedWhen`, `skipWhen`)',
    '',
    'A value test, or `{ all: [...] }`, `{ any: [...] }`, `{ not: ... }` of predicates:',
    '',
    fieldTable(valuePredicateSchema),
    '',
    '## Pipelines',
    '',
    fieldTable(pipelineSchema),
    '',
    '### `schedule`',
    '',
    fieldTable(scheduleSchema),
    '',
    '## Retention',
    '',
    fieldTable(retentionSchema),
    '',
    '## Merge',
    '',
    'A run merges in three steps: **prepare** (one transaction: every staged record mapped and typed, quarantine counted against `failAbove`, entity keys settled across all records, contributions stored), **partitions** (each entity\'s rows rewritten one key range at a time, each range committed on its own connection, as separate activities any worker may run), and **publish** (the run counts as merged only when every partition committed). Readers may see a run\'s changes arrive partition by partition; an entity row is never half-written, and a retried step redoes only what did not commit.',
    '',
    fieldTable(mergeSchema),
    '',
    '## Access',
    '',
    fieldTable(accessSchema),
    '',
    '## Alerts',
    '',
    fieldTable(alertsSchema),
    '',
  ].join('\n');
}
