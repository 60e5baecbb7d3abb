import { didYouMean } from '../config/config-error.js';
import { type OnboardNames, type OnboardPlan, OnboardError, entityNameOf, entitySkeleton } from './onboard-plan.js';
import { type RecordSchema, fieldNameOf, inferFields, primaryKeyOf, propertiesOf, propertyPath, typeOf, updatedAtOf } from './record-schema.js';

/** An OpenAPI 3.x or Swagger 2 document, dereferenced (no `$ref` left), as far as onboarding reads it. */
export interface OpenApiDocument {
  readonly openapi?: string;
  readonly swagger?: string;
  readonly servers?: ReadonlyArray<{ readonly url: string; readonly variables?: Record<string, { readonly default: string }> }>;
  readonly host?: string;
  readonly basePath?: string;
  readonly schemes?: readonly string[];
  readonly security?: ReadonlyArray<Record<string, readonly string[]>>;
  readonly components?: { readonly securitySchemes?: Record<string, SecurityScheme> };
  readonly securityDefinitions?: Record<string, SecurityScheme>;
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation | unknown>>>>;
}

interface SecurityScheme {
  readonly type: string;
  readonly scheme?: string;
  readonly in?: string;
  readonly name?: string;
  readonly flow?: string;
  readonly tokenUrl?: string;
  readonly flows?: { readonly clientCredentials?: { readonly tokenUrl: string; readonly scopes?: Record<string, string> } };
  readonly scopes?: Record<string, string>;
}

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: RecordSchema & { readonly maximum?: number; readonly default?: unknown };
  readonly type?: string;
  readonly format?: string;
  readonly maximum?: number;
}

interface Operation {
  readonly operationId?: string;
  readonly parameters?: readonly Parameter[];
  readonly security?: ReadonlyArray<Record<string, readonly string[]>>;
  readonly responses?: Readonly<Record<string, { readonly content?: Readonly<Record<string, { readonly schema?: RecordSchema }>>; readonly schema?: RecordSchema; readonly headers?: Readonly<Record<string, unknown>> }>>;
}

/** How onboarding was asked to read an OpenAPI document. */
export interface OpenApiOnboardOptions extends Partial<OnboardNames> {
  /** An operation id (`repos/list-for-org`), or `GET /path` / `/path`. */
  readonly operation: string;
  /** The API's base URL, when the document has none or another one is wanted. */
  readonly baseUrl?: string;
  /** Where the document came from (a relative server URL is resolved against it). */
  readonly documentUrl?: string;
  /** Values of the operation's path parameters, e.g. `{ org: 'octokit' }`. */
  readonly pathParams?: Readonly<Record<string, string>>;
}

const METHODS = ['get', 'post'] as const;
const RECORD_ARRAYS = ['data', 'items', 'results', 'records', 'rows', 'entries', 'values', 'nodes', 'list'];

/**
 * Infers a REST source, a stream, an entity skeleton and a pipeline from one operation of an
 * OpenAPI document: the base URL from `servers` (or `host`/`basePath`), auth from the security
 * schemes (API key, bearer, basic, OAuth2 client credentials; secrets as `env:` references),
 * where the records are from the 2xx response schema, pagination from the parameters and the
 * response (page/per_page, offset/limit, a cursor, a next link, a `Link` header), the primary
 * key, an incremental parameter (`since`, `updated_since`, ...) with the records' update time,
 * and typed fields from the record schema.
 */
export function onboardOpenApi(doc: OpenApiDocument, opts: OpenApiOnboardOptions): OnboardPlan {
  const { path, method, op } = findOperation(doc, opts.operation);
  const notes: string[] = [];
  const sourceName = opts.sourceName ?? defaultSourceName(doc, opts);
  const streamName = opts.streamName ?? fieldNameOf(path.split('/').filter((s) => s && !s.startsWith('{')).pop() ?? 'records');
  const ref = `${sourceName}.${streamName}`;
  const params = op.parameters ?? [];

  // Path parameters must have values: the request goes to one concrete path.
  let concretePath = path;
  for (const p of params.filter((x) => x.in === 'path')) {
    const value = opts.pathParams?.[p.name];
    if (value === undefined) throw new OnboardError(`the path ${path} needs a value for {${p.name}}: pass --path-param ${p.name}=<value>`);
    concretePath = concretePath.replace(`{${p.name}}`, encodeURIComponent(value));
  }

  const response = successResponse(op);
  const { schema: body, format } = response ? bodySchema(response) : { schema: undefined, format: 'json' as const };
  const records = recordsOf(body);
  if (!records.schema) notes.push('the response schema does not say where the records are: check recordsPath with `tributary sources test`');
  const record = records.schema;
  const primaryKey = primaryKeyOf(record);
  const paging = paginationOf(params, body, records.path, response?.headers, notes);
  const updatedAt = updatedAtOf(record);
  const incremental = incrementalOf(params, record, updatedAt, notes);
  const auth = authOf(doc, op, sourceName, notes, opts);
  const stream: Record<string, unknown> = {
    path: concretePath,
    ...(method === 'post' ? { method: 'POST' } : {}),
    ...(Object.keys(paging.params).length > 0 || incremental.params ? { params: { ...paging.params, ...(incremental.params ?? {}) } } : {}),
    ...(format !== 'json' ? { format } : {}),
    ...(records.path && records.path !== '$' ? { recordsPath: records.path } : {}),
    ...(record && Object.keys(propertiesOf(record)).length > 0 ? { recordFields: Object.keys(propertiesOf(record)) } : {}),
    primaryKey: primaryKey ? propertyPath(primaryKey) : '$.id',
    ...(paging.pagination ? { pagination: paging.pagination } : {}),
    ...(incremental.config ? { incremental: incremental.config } : {}),
  };
  if (!primaryKey) notes.push('no id property was found: check primaryKey');
  const source = { type: 'rest', baseUrl: baseUrlOf(doc, opts), ...(auth.auth ? { auth: auth.auth } : {}), streams: { [streamName]: stream } };
  const entityName = opts.entityName ?? entityNameOf(streamName);
  const fields = inferFields(record, [primaryKey, updatedAt, 'email', 'name']);
  const total = Object.keys(propertiesOf(record)).length;
  if (total > fields.length) notes.push(`the records have ${total} properties; the entity types the first ${fields.length} (the staged raw records keep them all): remove what you do not need`);
  const skeleton = entitySkeleton(ref, fields, primaryKey, updatedAt);
  return {
    sourceName,
    source,
    streamName,
    entityName,
    entity: skeleton.entity,
    pipeline: { schedule: { every: '1h' }, sources: [sourceName] },
    secrets: auth.secrets,
    notes: [`${method.toUpperCase()} ${path}${op.operationId ? ` (${op.operationId})` : ''}`, ...notes, ...skeleton.notes],
  };
}

function findOperation(doc: OpenApiDocument, wanted: string): { path: string; method: (typeof METHODS)[number]; op: Operation } {
  const all: Array<{ path: string; method: (typeof METHODS)[number]; op: Operation }> = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (op) all.push({ path, method, op });
    }
  }
  const m = /^(GET|POST)\s+(\S+)$/i.exec(wanted.trim());
  const found = m
    ? all.find((o) => o.method === m[1]!.toLowerCase() && o.path === m[2])
    : wanted.startsWith('/')
      ? all.find((o) => o.path === wanted && o.method === 'get')
      : all.find((o) => o.op.operationId === wanted);
  if (found) return found;
  const ids = all.map((o) => o.op.operationId).filter((x): x is string => typeof x === 'string');
  const hint = m || wanted.startsWith('/') ? didYouMean(m ? m[2] : wanted, all.map((o) => o.path)) : didYouMean(wanted, ids);
  const sample = all.filter((o) => o.method === 'get').slice(0, 8).map((o) => `${o.op.operationId ?? `GET ${o.path}`}`);
  throw new OnboardError(`no operation "${wanted}" in the document${hint}; give an operation id or "GET /path" (e.g. ${sample.join(', ')}${all.length > 8 ? ', …' : ''})`);
}

/** A source name from the API's domain (`api.github.com` → `github`), else its title, else `api`. */
function defaultSourceName(doc: OpenApiDocument, opts: OpenApiOnboardOptions): string {
  const host = hostOf(doc, opts);
  const labels = host && !/^[\d.]+$|^localhost$|^\[/.test(host) ? host.split('.') : [];
  if (labels.length >= 2) return fieldNameOf(labels[labels.length - 2]!);
  const title = (doc as { info?: { title?: string } }).info?.title;
  return title ? fieldNameOf(title) : 'api';
}

function hostOf(doc: OpenApiDocument, opts: OpenApiOnboardOptions): string | undefined {
  try {
    return new URL(baseUrlOf(doc, opts)).hostname;
  } catch {
    return undefined;
  }
}

function baseUrlOf(doc: OpenApiDocument, opts: OpenApiOnboardOptions): string {
  if (opts.baseUrl) return opts.baseUrl.replace(/\/+$/, '');
  const server = doc.servers?.[0];
  if (server) {
    const url = server.url.replace(/\{(\w+)\}/g, (_, v: string) => server.variables?.[v]?.default ?? `{${v}}`);
    if (/^https?:\/\//.test(url)) return url.replace(/\/+$/, '');
    if (opts.documentUrl && /^https?:\/\//.test(opts.documentUrl)) return new URL(url, opts.documentUrl).toString().replace(/\/+$/, '');
  }
  if (doc.host) return `${doc.schemes?.includes('https') || !doc.schemes ? 'https' : doc.schemes[0]}://${doc.host}${doc.basePath ?? ''}`.replace(/\/+$/, '');
  throw new OnboardError('the document names no absolute server URL: pass --base-url https://...');
}

function successResponse(op: Operation) {
  const codes = Object.keys(op.responses ?? {}).filter((c) => /^2\d\d$|^2XX$/i.test(c)).sort();
  return codes.length > 0 ? op.responses![codes[0]!] : undefined;
}

function bodySchema(response: NonNullable<ReturnType<typeof successResponse>>): { schema: RecordSchema | undefined; format: 'json' | 'xml' | 'csv' } {
  if (response.schema) return { schema: response.schema, format: 'json' };
  const content = Object.entries(response.content ?? {});
  const json = content.find(([type]) => /json/i.test(type));
  if (json) return { schema: json[1].schema, format: 'json' };
  const xml = content.find(([type]) => /xml/i.test(type));
  if (xml) return { schema: xml[1].schema, format: 'xml' };
  const csv = content.find(([type]) => /csv/i.test(type));
  if (csv) return { schema: csv[1].schema, format: 'csv' };
  return { schema: content[0]?.[1].schema, format: 'json' };
}

/** Where the records are in a response body: the body itself when it is an array, else its (conventionally named) array property. */
function recordsOf(body: RecordSchema | undefined): { path: string | undefined; schema: RecordSchema | undefined } {
  if (!body) return { path: undefined, schema: undefined };
  if (typeOf(body) === 'array') return { path: '$', schema: body.items };
  const props = propertiesOf(body);
  const arrays = Object.entries(props).filter(([, s]) => typeOf(s) === 'array');
  const chosen = arrays.length === 1 ? arrays[0] : (arrays.find(([k]) => RECORD_ARRAYS.includes(k)) ?? arrays[0]);
  if (chosen) return { path: propertyPath(chosen[0]), schema: chosen[1].items };
  return { path: undefined, schema: undefined };
}

const PAGE_PARAMS = /^(page|page_number|pageNumber|p)$/;
const SIZE_PARAMS = /^(per_page|perPage|page_size|pageSize|size|limit|count|max_results|maxResults)$/;
const OFFSET_PARAMS = /^(offset|skip|start)$/;
const CURSOR_PARAMS = /^(cursor|after|starting_after|startingAfter|page_token|pageToken|next_token|nextToken|continuation|continuation_token|next|since_id)$/;

function maxOf(p: Parameter): number | undefined {
  return (p.schema as { maximum?: number } | undefined)?.maximum ?? p.maximum;
}

/** The pagination a list operation uses, judged from its query parameters, its response body and its headers. */
function paginationOf(params: readonly Parameter[], body: RecordSchema | undefined, recordsPath: string | undefined, headers: Readonly<Record<string, unknown>> | undefined, notes: string[]): { pagination?: Record<string, unknown>; params: Record<string, string | number> } {
  const query = params.filter((p) => p.in === 'query');
  const find = (re: RegExp) => query.find((p) => re.test(p.name));
  const props = propertiesOf(body);
  const bodyPath = (re: RegExp): string | undefined => {
    const direct = Object.keys(props).find((k) => re.test(k));
    if (direct) return propertyPath(direct);
    for (const [k, s] of Object.entries(props)) {
      if (typeOf(s) !== 'object') continue;
      const inner = Object.keys(propertiesOf(s)).find((x) => re.test(x));
      if (inner) return `${propertyPath(k)}${propertyPath(inner).slice(1)}`;
    }
    return undefined;
  };
  const size = find(SIZE_PARAMS);
  const pageSize = size ? Math.min(maxOf(size) ?? 100, 100) : undefined;
  const sizeParams = size && pageSize ? { [size.name]: pageSize } : {};
  const total = bodyPath(/^(total|total_count|totalCount|total_results|totalResults|count)$/);
  const hasMore = bodyPath(/^(has_more|hasMore|has_next|hasNext|more)$/);
  const linkHeader = Object.keys(headers ?? {}).some((h) => h.toLowerCase() === 'link');
  const cursor = find(CURSOR_PARAMS);
  const page = find(PAGE_PARAMS);
  const offset = find(OFFSET_PARAMS);
  if (linkHeader) {
    notes.push('pagination: the response declares a Link header, so pages follow its rel="next" links');
    return { pagination: { type: 'link_header' }, params: sizeParams };
  }
  if (cursor) {
    const next = bodyPath(/^(next_cursor|nextCursor|next_page_token|nextPageToken|next_token|nextToken|cursor|next|end_cursor|endCursor)$/);
    if (next) {
      notes.push(`pagination: cursor from ${next} sent back as ${cursor.name}`);
      return { pagination: { type: 'cursor', cursorPath: next, param: cursor.name, ...(hasMore ? { hasMorePath: hasMore } : {}) }, params: sizeParams };
    }
    if (/^(starting_after|startingAfter|after|since_id)$/.test(cursor.name) && recordsPath) {
      // Stripe-style: the next page starts after the last record's id.
      const last = `${recordsPath === '$' ? '$' : recordsPath}[-1].id`;
      notes.push(`pagination: the last record's id (${last}) sent as ${cursor.name}${hasMore ? `, while ${hasMore} is true` : ''}`);
      return { pagination: { type: 'cursor', cursorPath: last, param: cursor.name, ...(hasMore ? { hasMorePath: hasMore } : {}) }, params: sizeParams };
    }
  }
  const nextUrl = bodyPath(/^(next_url|nextUrl|next_link|nextLink|next_page_url|nextPageUrl|next)$/);
  if (nextUrl && !cursor && !page && !offset) {
    notes.push(`pagination: the next page's URL from ${nextUrl}`);
    return { pagination: { type: 'next_url', nextUrlPath: nextUrl }, params: sizeParams };
  }
  if (page) {
    const totalPages = bodyPath(/^(total_pages|totalPages|page_count|pageCount|pages|last_page|lastPage)$/);
    notes.push(`pagination: page numbers in ${page.name}${size ? `, ${pageSize} a page in ${size.name}` : ''}`);
    return {
      pagination: { type: 'page_number', param: page.name, ...(size ? { sizeParam: size.name, size: pageSize } : {}), ...(totalPages ? { totalPagesPath: totalPages } : {}), ...(total ? { totalPath: total } : {}), ...(hasMore ? { hasMorePath: hasMore } : {}) },
      params: {},
    };
  }
  if (offset) {
    notes.push(`pagination: offsets in ${offset.name}${size ? `, ${pageSize} a page in ${size.name}` : ''}`);
    return { pagination: { type: 'offset', offsetParam: offset.name, ...(size ? { limitParam: size.name, limit: pageSize } : {}), ...(total ? { totalPath: total } : {}), ...(hasMore ? { hasMorePath: hasMore } : {}) }, params: {} };
  }
  if (cursor) notes.push(`pagination: ${cursor.name} looks like a cursor, but the response names no next cursor: set pagination by hand (see the config reference)`);
  else notes.push('pagination: none found in the parameters or response; one request per run (set pagination if the API pages)');
  return { params: sizeParams };
}

const SINCE_PARAMS = /^(since|updated_since|updatedSince|modified_since|modifiedSince|updated_after|updatedAfter|changed_since|changedSince|start_time|startTime|updated_at_min|from)$/;

/** An incremental parameter and the records' update time, when the operation takes one. */
function incrementalOf(params: readonly Parameter[], record: RecordSchema | undefined, updatedAt: string | undefined, notes: string[]): { config?: Record<string, unknown>; params?: Record<string, string> } {
  const since = params.find((p) => p.in === 'query' && SINCE_PARAMS.test(p.name));
  if (!since) return {};
  if (!updatedAt) {
    notes.push(`incremental: the operation takes ${since.name}, but the records name no update time to advance a watermark by; left out`);
    return {};
  }
  const type = typeOf(propertiesOf(record)[updatedAt]);
  const epoch = type === 'integer' || type === 'number' || /time$/i.test(since.name) && (since.schema?.type === 'integer' || since.type === 'integer');
  notes.push(`incremental: ${since.name} = the highest ${updatedAt} merged so far (the watermark)`);
  return {
    config: { cursorField: propertyPath(updatedAt), cursorType: 'timestamp', ...(epoch ? { format: 'epoch_seconds' } : {}) },
    params: { [since.name]: '{incremental.start}' },
  };
}

/** The auth config of the operation's (or the document's) first security requirement, with `env:` references. */
function authOf(doc: OpenApiDocument, op: Operation, sourceName: string, notes: string[], opts: OpenApiOnboardOptions): { auth?: Record<string, unknown>; secrets: string[] } {
  const schemes = doc.components?.securitySchemes ?? doc.securityDefinitions ?? {};
  const requirement = (op.security ?? doc.security ?? []).find((r) => Object.keys(r).length > 0);
  const prefix = sourceName.toUpperCase();
  if (!requirement) {
    notes.push('auth: the document declares none for this operation; add auth if the API needs a token (see the config reference)');
    return { secrets: [] };
  }
  const [name, scopes] = Object.entries(requirement)[0]!;
  const scheme = schemes[name];
  if (!scheme) return { secrets: [] };
  if (scheme.type === 'apiKey' && (scheme.in === 'header' || scheme.in === 'query')) {
    notes.push(`auth: API key in the ${scheme.in} ${scheme.name}, from ${prefix}_API_KEY`);
    return { auth: { type: 'api_key', in: scheme.in, name: scheme.name, value: `env:${prefix}_API_KEY` }, secrets: [`${prefix}_API_KEY`] };
  }
  if ((scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') || scheme.type === 'openIdConnect') {
    notes.push(`auth: a bearer token from ${prefix}_TOKEN`);
    return { auth: { type: 'bearer', token: `env:${prefix}_TOKEN` }, secrets: [`${prefix}_TOKEN`] };
  }
  if ((scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'basic') || scheme.type === 'basic') {
    notes.push(`auth: HTTP basic, from ${prefix}_USERNAME and ${prefix}_PASSWORD`);
    return { auth: { type: 'basic', username: `env:${prefix}_USERNAME`, password: `env:${prefix}_PASSWORD` }, secrets: [`${prefix}_USERNAME`, `${prefix}_PASSWORD`] };
  }
  if (scheme.type === 'oauth2') {
    const tokenUrl = scheme.flows?.clientCredentials?.tokenUrl ?? (scheme.flow === 'application' ? scheme.tokenUrl : undefined);
    if (tokenUrl) {
      const absolute = /^https?:\/\//.test(tokenUrl) ? tokenUrl : `${baseUrlOf(doc, opts)}${tokenUrl.startsWith('/') ? '' : '/'}${tokenUrl}`;
      notes.push(`auth: OAuth2 client credentials at ${absolute}, from ${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET`);
      return {
        auth: { type: 'oauth2_client_credentials', tokenUrl: absolute, clientId: `env:${prefix}_CLIENT_ID`, clientSecret: `env:${prefix}_CLIENT_SECRET`, ...(scopes && scopes.length > 0 ? { scope: scopes.join(' ') } : {}) },
        secrets: [`${prefix}_CLIENT_ID`, `${prefix}_CLIENT_SECRET`],
      };
    }
    notes.push(`auth: OAuth2 without a client-credentials flow; a bearer token from ${prefix}_TOKEN (obtain one with the API's own flow, or use oauth2_refresh_token)`);
    return { auth: { type: 'bearer', token: `env:${prefix}_TOKEN` }, secrets: [`${prefix}_TOKEN`] };
  }
  notes.push(`auth: scheme "${name}" (${scheme.type}) is not inferred; set auth by hand`);
  return { secrets: [] };
}
